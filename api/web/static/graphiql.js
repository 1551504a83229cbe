// GraphiQL, served by refnet itself (vendored React and GraphiQL): the session cookie signs the
// requests in, with the CSRF header the server asks of cookie-authenticated posts.
"use strict";

(() => {
  const csrf = () => {
    const found = document.cookie.split("; ").find((part) => part.startsWith("refnet_csrf="));
    return found ? decodeURIComponent(found.slice("refnet_csrf=".length)) : "";
  };
  async function fetcher(params, options) {
    const response = await fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf(), ...((options && options.headers) || {}) },
      body: JSON.stringify(params),
    });
    return response.json();
  }
  const root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: "# refnet GraphQL: who am I signed in as?\n{\n  me {\n    kind\n    memberId\n    name\n  }\n}\n",
  }));
})();
