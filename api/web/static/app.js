// refnet back office: what every page shares — GraphQL over the session cookie, small DOM helpers.
"use strict";

const refnet = (() => {
  const data = () => JSON.parse(document.getElementById("page-data").textContent);

  function cookie(name) {
    const found = document.cookie.split("; ").find((part) => part.startsWith(name + "="));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  class GraphQLError extends Error {
    constructor(errors) {
      super(errors.map((e) => e.message).join("; "));
      this.code = (errors[0].extensions || {}).code || "ERROR";
    }
  }

  async function gql(query, variables = {}) {
    const response = await fetch("/graphql", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": cookie("refnet_csrf") },
      body: JSON.stringify({ query, variables }),
    });
    let body;
    try { body = await response.json(); } catch (e) { throw new GraphQLError([{ message: `HTTP ${response.status}` }]); }
    if (body.errors && body.errors.length) throw new GraphQLError(body.errors);
    return body.data;
  }

  let queryFields = null;
  async function hasQuery(name) {
    if (queryFields === null) {
      const d = await gql("{ __schema { queryType { fields { name } } } }");
      queryFields = new Set(d.__schema.queryType.fields.map((f) => f.name));
    }
    return queryFields.has(name);
  }

  // h("a", {href: "/x", class: "y"}, "text", child): a DOM element; text is never parsed as HTML.
  function h(tag, attrs = {}, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "class") el.className = value;
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function empty(text) { return h("p", { class: "empty" }, text); }
  function failure(error) { return h("p", { class: "error", role: "alert" }, `${error.code || "ERROR"}: ${error.message}`); }

  function show(target, ...nodes) {
    const el = typeof target === "string" ? document.getElementById(target) : target;
    el.replaceChildren(...nodes);
    return el;
  }

  function table(caption, headers, rows) {
    if (!rows.length) return empty(`${caption}: nothing to show.`);
    return h("div", { class: "scroll" }, h("table", {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows.map((row) => h("tr", {}, row.map((cell) => h("td", {}, cell)))))));
  }

  function memberLink(member, page = "network") {
    return h("a", { href: `/app/${page}?id=${encodeURIComponent(member.id)}` }, `${member.name} (${member.id})`);
  }

  // A period like 2026-11 or 2026-W48, as ISO week/month of today (UTC).
  function thisMonth() { return new Date().toISOString().slice(0, 7); }
  // The most recent month that has ended (UTC): the one a close or its preview can take.
  function lastMonth() {
    const now = new Date();
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  }

  return { data, gql, hasQuery, h, empty, failure, show, table, memberLink, thisMonth, lastMonth, cookie };
})();
