// Network explorer: the placement tree (3 slots per member, wealth/contribution lines, sizes,
// the weakest line, where the next referral goes) and the sponsor tree, loaded level by level.
"use strict";

(() => {
  const { data, gql, hasQuery, h, empty, failure, show, memberLink } = refnet;
  const page = data();
  const me = page.me;
  const params = new URLSearchParams(location.search);
  let mode = params.get("tree") === "sponsor" ? "SPONSOR" : "PLACEMENT";
  const rootId = page.memberId;
  let next = null;

  const PLACEMENT_NODE = `query($id: ID!) { member(id: $id) { id name status rotation
    lines { slot kind size member { id name status } } } }`;
  const SPONSOR_NODE = `query($id: ID!) { member(id: $id) { id name status
    directReferrals { id name status } } }`;

  const wealth = (slot, r) => ((slot - r) % 3 + 3) % 3 === 0;

  function nodeCard(member, extra = []) {
    return h("span", { class: "node" }, memberLink(member),
      h("span", { class: `badge ${member.status}` }, member.status.toLowerCase()), extra);
  }

  function toggle(label, load) {
    const button = h("button", { type: "button", class: "toggle", "aria-expanded": "false", "aria-label": label }, "▸");
    const holder = h("div", { class: "children", hidden: true });
    let loaded = false;
    button.addEventListener("click", async () => {
      const open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", String(!open));
      button.textContent = open ? "▸" : "▾";
      holder.hidden = open;
      if (!open && !loaded) {
        loaded = true;
        show(holder, h("p", { class: "empty" }, "Loading…"));
        try { show(holder, await load()); } catch (error) { loaded = false; show(holder, failure(error)); }
      }
    });
    return { button, holder };
  }

  async function placementChildren(id) {
    const { member } = await gql(PLACEMENT_NODE, { id });
    const sizes = [1, 2, 3].map((slot) => (member.lines.find((l) => l.slot === slot) || { size: 0 }).size);
    const weakest = sizes.indexOf(Math.min(...sizes)) + 1;
    const items = [1, 2, 3].map((slot) => {
      const line = member.lines.find((l) => l.slot === slot);
      const kind = line ? line.kind : (wealth(slot, member.rotation) ? "WEALTH" : "CONTRIBUTION");
      const marks = [];
      if (slot === weakest) marks.push(h("span", { class: "weak" }, "weakest"));
      if (next && next.slid && id === rootId && next.viaSlot === slot) marks.push(h("span", { class: "slide" }, "next slides here"));
      if (next && next.parentId === id && next.slot === slot) marks.push(h("span", { class: "slide" }, `next referral (#${next.k}) goes here`));
      const head = h("span", { class: "slot-head" },
        h("span", { class: `kind ${kind}`, title: kind === "WEALTH" ? "wealth line" : "contribution line" }, kind === "WEALTH" ? "W" : "C"),
        ` slot ${slot} · ${kind.toLowerCase()} line · ${line ? line.size : 0} member${line && line.size === 1 ? "" : "s"} `, marks);
      if (!line) return h("li", { class: `slot ${kind} vacant` }, head, h("span", { class: "vacant-text" }, "empty slot"));
      const child = line.member;
      const li = h("li", { class: `slot ${kind}`, "data-member": child.id }, head);
      if (line.size > 1) {
        const t = toggle(`Show the placement children of ${child.name}`, () => placementChildren(child.id));
        li.append(h("div", { class: "row" }, t.button, nodeCard(child)), t.holder);
      } else {
        li.append(h("div", { class: "row" }, h("span", { class: "toggle-space" }), nodeCard(child)));
      }
      return li;
    });
    return h("ul", { class: "slots" }, items);
  }

  async function sponsorChildren(id) {
    const { member } = await gql(SPONSOR_NODE, { id });
    if (!member.directReferrals.length) return empty(`${member.name} has no direct referrals.`);
    return h("ul", { class: "referrals" }, member.directReferrals.map((child) => {
      const t = toggle(`Show the referrals of ${child.name}`, () => sponsorChildren(child.id));
      return h("li", { "data-member": child.id }, h("div", { class: "row" }, t.button, nodeCard(child)), t.holder);
    }));
  }

  async function breadcrumbs() {
    const crumbs = show("breadcrumbs");
    try {
      const d = await gql(`query($id: ID!, $tree: Tree!) { member(id: $id) { id name }
        upline(id: $id, tree: $tree, maxDepth: 20) { depth member { id name } } }`, { id: rootId, tree: mode });
      const path = [];
      for (const node of d.upline) {
        if (me.kind !== "ADMIN" && me.kind !== "ANONYMOUS" && rootId === me.memberId) break;
        path.push(node.member);
        if (node.member.id === me.memberId) break;
      }
      path.reverse();
      const items = path.map((m) => h("li", {}, memberLink(m)));
      items.push(h("li", {}, h("span", { "aria-current": "page" }, `${d.member.name} (${d.member.id})`)));
      crumbs.append(h("ol", {}, items));
    } catch (error) {
      crumbs.append(failure(error));
    }
  }

  async function nextPlacement() {
    const section = show("next");
    section.hidden = mode !== "PLACEMENT";
    if (mode !== "PLACEMENT") return;
    try {
      const { nextPlacement: n } = await gql(`query($id: ID!) { nextPlacement(sponsorId: $id) {
        k slid aimedAt viaSlot parentId slot parent { id name } } }`, { id: rootId });
      next = n;
      const how = n.slid
        ? `slides down line ${n.viaSlot}, aiming at a ${n.aimedAt.toLowerCase()} line,`
        : "goes directly";
      section.append(h("h2", {}, "Next referral"),
        h("p", {}, `The next direct referral (#${n.k}) ${how} under `, memberLink(n.parent), `, slot ${n.slot}.`));
    } catch (error) {
      next = null;
      section.append(failure(error));
    }
  }

  async function drawTree() {
    const tree = show("tree");
    if (!rootId) {
      tree.append(empty("No member chosen: find one by id or name above."));
      if (await hasQuery("members").catch(() => false)) {
        try {
          const d = await gql("{ members(first: 20) { edges { node { id name status } } } }");
          if (d.members.edges.length) {
            tree.append(h("h2", {}, "Members"), h("ul", { class: "results" }, d.members.edges.map((e) => h("li", {}, nodeCard(e.node)))));
          }
        } catch (error) { /* the list is a convenience: search still works */ }
      }
      return;
    }
    try {
      const { member } = await gql("query($id: ID!) { member(id: $id) { id name status } }", { id: rootId });
      const body = mode === "PLACEMENT" ? await placementChildren(rootId) : await sponsorChildren(rootId);
      tree.replaceChildren(h("div", { class: "root" }, h("div", { class: "row" }, nodeCard(member)), body));
    } catch (error) {
      tree.replaceChildren(failure(error));
    }
  }

  async function draw() {
    document.getElementById("tab-placement").setAttribute("aria-selected", String(mode === "PLACEMENT"));
    document.getElementById("tab-sponsor").setAttribute("aria-selected", String(mode === "SPONSOR"));
    document.getElementById("legend").hidden = mode !== "PLACEMENT";
    if (!rootId) { show("breadcrumbs"); show("next").hidden = true; await drawTree(); return; }
    await Promise.all([breadcrumbs(), nextPlacement()]);
    await drawTree();
  }

  function setMode(value) {
    mode = value;
    const url = new URL(location.href);
    url.searchParams.set("tree", value.toLowerCase());
    history.replaceState(null, "", url);
    draw();
  }

  async function search(event) {
    event.preventDefault();
    const q = document.getElementById("q").value.trim();
    const results = show("search-results");
    if (!q) return;
    const found = new Map();
    try {
      const d = await gql("query($id: ID!) { member(id: $id) { id name } }", { id: q });
      if (d.member) found.set(d.member.id, d.member);
    } catch (error) { /* not one the caller may see: keep looking by name */ }
    if (await hasQuery("members").catch(() => false)) {
      try {
        const d = await gql("query($q: String) { members(search: $q, first: 20) { edges { node { id name } } } }", { q });
        for (const edge of d.members.edges) found.set(edge.node.id, edge.node);
      } catch (error) { /* its shape differs: the members in view still match */ }
    }
    const needle = q.toLowerCase();
    for (const link of document.querySelectorAll("#tree .node a")) {
      const text = link.textContent;
      if (text.toLowerCase().includes(needle)) {
        const id = text.slice(text.lastIndexOf("(") + 1, -1);
        found.set(id, { id, name: text.slice(0, text.lastIndexOf(" (")) });
      }
    }
    if (!found.size) { results.append(h("li", {}, `No member matches “${q}”.`)); return; }
    for (const member of found.values()) results.append(h("li", {}, memberLink(member)));
  }

  document.querySelector("[role=tablist]").addEventListener("keydown", (event) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    const other = mode === "PLACEMENT" ? "tab-sponsor" : "tab-placement";
    document.getElementById(other).focus();
    setMode(other === "tab-sponsor" ? "SPONSOR" : "PLACEMENT");
  });
  document.getElementById("tab-placement").addEventListener("click", () => setMode("PLACEMENT"));
  document.getElementById("tab-sponsor").addEventListener("click", () => setMode("SPONSOR"));
  document.getElementById("search").addEventListener("submit", search);
  draw();
})();
