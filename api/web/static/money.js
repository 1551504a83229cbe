// Money: balance, quota, points, the mutual fund and its B1/B2 release, the ledger with filters,
// the statement of a period (when the server has it); for an admin, a period's preview and close.
"use strict";

(() => {
  const { data, gql, hasQuery, h, empty, failure, show, table, memberLink, thisMonth, lastMonth } = refnet;
  const page = data();
  const me = page.me;
  const memberId = page.memberId;
  let cursor = null;

  function card(label, value, note) {
    return h("div", { class: "card stat" }, h("div", { class: "label" }, label),
      h("div", { class: "value" }, value), note ? h("div", { class: "note" }, note) : null);
  }

  async function balance() {
    const target = show("balance");
    try {
      const { member: m } = await gql(`query($id: ID!) { member(id: $id) { id name status
        balance { available frozen burned quotaLeft points } } }`, { id: memberId });
      const b = m.balance;
      target.append(
        card("Available", b.available, "paid − withdrawn"),
        card("Quota left", b.quotaLeft === null ? "—" : b.quotaLeft, b.quotaLeft === null ? "no package bought yet" : "linkage rewards still receivable"),
        card("Points", b.points, "consumption points"),
        card("Frozen", b.frozen, "in the 20 % mutual fund"),
        card("Burned", b.burned, "beyond the quota"));
    } catch (error) { target.append(failure(error)); }
  }

  async function fund() {
    const target = show("fund", h("h2", {}, "Mutual fund"));
    try {
      const { mutualFund: f } = await gql(`query($id: ID!) { mutualFund(memberId: $id) { frozen released
        lines { memberId status teamOrders qualifies member { id name } } linesNeeded ordersNeeded teamOrders conditionMet } }`, { id: memberId });
      const state = f.released ? "released: frozen amounts are withdrawable"
        : f.conditionMet ? "the condition is met: the fund is released at the next withdrawal"
        : "frozen until B1 and B2 qualify";
      target.append(h("p", {}, `Frozen: ${f.frozen} — ${state}.`));
      const rows = [];
      for (let i = 0; i < f.linesNeeded; i++) {
        const line = f.lines[i];
        rows.push(line
          ? [`B${i + 1}`, memberLink(line.member), line.status.toLowerCase(), line.qualifies ? "✓ agent or boss" : "✗ not yet an agent", String(line.teamOrders)]
          : [`B${i + 1}`, "—", "—", "✗ no such referral yet", "0"]);
      }
      target.append(table("Release condition: B1 and B2", ["line", "member", "status", "qualifies", "team orders"], rows));
      const need = f.ordersNeeded + 1;
      target.append(h("label", { for: "orders-progress" }, `Orders in B1's and B2's teams: ${f.teamOrders} of the ${need} needed`),
        h("progress", { id: "orders-progress", max: String(need), value: String(Math.min(f.teamOrders, need)) }));
    } catch (error) { target.append(failure(error)); }
  }

  function filters() {
    const period = document.getElementById("f-period").value.trim() || null;
    const rule = document.getElementById("f-rule").value.trim() || null;
    return { period, rule };
  }

  const seenRules = new Set();
  async function ledger(more = false) {
    const target = document.getElementById("ledger");
    const button = document.getElementById("ledger-more");
    if (!more) { cursor = null; target.replaceChildren(); }
    try {
      const { ledger: entries } = await gql(`query($id: ID, $period: String, $rule: String, $after: String) {
        ledger(memberId: $id, period: $period, rule: $rule, first: 50, after: $after) {
          id at period rule status amount explanation cursor } }`, { id: memberId, ...filters(), after: cursor });
      if (!entries.length && !more) {
        target.append(empty("No ledger entries match." + (filters().period || filters().rule ? " Try other filters." : "")));
      }
      if (entries.length) {
        target.append(table(more ? "More entries" : "Entries", ["time", "period", "rule", "status", "amount", "explanation"],
          entries.map((e) => [e.at.slice(0, 16).replace("T", " "), e.period || "", e.rule, e.status.toLowerCase(),
            h("span", { class: e.amount.startsWith("-") ? "amount neg" : "amount" }, e.amount), e.explanation])));
        cursor = entries[entries.length - 1].cursor;
        for (const e of entries) if (!seenRules.has(e.rule)) {
          seenRules.add(e.rule);
          document.getElementById("rules").append(h("option", { value: e.rule }));
        }
      }
      button.hidden = entries.length < 50;
    } catch (error) { target.append(failure(error)); button.hidden = true; }
  }

  // A selection of every scalar field of a type and, two levels deep, of its object fields
  // (fields with required arguments and members left out).
  async function selectionOf(typeName, depth = 0) {
    const d = await gql(`query($name: String!) { __type(name: $name) { fields { name args { type { kind } }
      type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }`, { name: typeName });
    const parts = [];
    for (const field of d.__type.fields) {
      if (field.args.some((a) => a.type.kind === "NON_NULL")) continue;
      let t = field.type;
      while (t.ofType) t = t.ofType;
      if (t.kind === "SCALAR" || t.kind === "ENUM") parts.push(field.name);
      else if (t.kind === "OBJECT" && depth < 2 && t.name !== "Member") parts.push(`${field.name} ${await selectionOf(t.name, depth + 1)}`);
    }
    return `{ ${parts.join(" ")} }`;
  }

  // {effect, entry: {rule}} → {effect, "entry.rule"}: one table row per list item.
  function flatten(value, prefix = "", out = {}) {
    for (const [key, v] of Object.entries(value || {})) {
      if (v && typeof v === "object" && !Array.isArray(v)) flatten(v, `${prefix}${key}.`, out);
      else if (!Array.isArray(v)) out[`${prefix}${key}`] = v;
    }
    return out;
  }

  function renderGeneric(title, value) {
    const scalars = [];
    const blocks = [];
    for (const [key, v] of Object.entries(value)) {
      if (Array.isArray(v)) {
        const rows = v.map((row) => flatten(row));
        const headers = rows.length ? Object.keys(rows[0]) : [];
        blocks.push(rows.length ? table(key, headers, rows.map((row) => headers.map((k) => String(row[k] ?? "")))) : empty(`${key}: none.`));
      } else if (v && typeof v === "object") {
        blocks.push(renderGeneric(key, v));
      } else scalars.push(h("div", {}, h("dt", {}, key), h("dd", {}, String(v ?? "—"))));
    }
    return h("div", { class: "generic" }, h("h3", {}, title), h("dl", { class: "facts" }, scalars), blocks);
  }

  async function statementOf(period) {
    const { statement: st } = await gql(`query($id: ID!, $period: String!) { statement(memberId: $id, period: $period) {
      opening closing balanced lines { effect balance entry { at rule status amount explanation } } } }`, { id: memberId, period });
    return h("div", {},
      h("dl", { class: "facts" },
        h("div", {}, h("dt", {}, "Opening balance"), h("dd", {}, st.opening)),
        h("div", {}, h("dt", {}, "Closing balance"), h("dd", {}, st.closing)),
        h("div", {}, h("dt", {}, "Checked"), h("dd", {}, st.balanced ? "closing = opening + entries" : "does not add up"))),
      table(`Statement ${period}`, ["time", "rule", "status", "amount", "effect", "balance", "explanation"],
        st.lines.map((l) => [l.entry.at.slice(0, 16).replace("T", " "), l.entry.rule, l.entry.status.toLowerCase(),
          l.entry.amount, l.effect, l.balance, l.entry.explanation])));
  }

  async function statement() {
    if (!(await hasQuery("statement").catch(() => false))) return;
    const section = document.getElementById("statement");
    section.hidden = false;
    const input = h("input", { id: "s-period", name: "period", value: thisMonth(), required: true });
    const out = h("div", { "aria-live": "polite" });
    const form = h("form", { class: "filters" }, h("div", {}, h("label", { for: "s-period" }, "Period"), input),
      h("button", { type: "submit" }, "Show statement"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const period = input.value.trim();
      try {
        show(out, await statementOf(period));
      } catch (error) {
        try {  // another shape than the one below: show every field it has
          const d = await gql(`query($id: ID!, $period: String!) { statement(memberId: $id, period: $period) ${await selectionOf("Statement")} }`,
            { id: memberId, period });
          show(out, renderGeneric(`Statement ${period}`, d.statement));
        } catch (again) { show(out, failure(again)); }
      }
    });
    show(section, h("h2", {}, "Statement"), form, out);
  }

  function download(name, text, type) {
    const link = h("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name }, name);
    document.body.append(link);
    link.click();
    link.remove();
  }

  function csvOf(rows) {
    if (!rows.length) return "";
    rows = rows.map((row) => flatten(row));
    const headers = Object.keys(rows[0]);
    const cell = (v) => { const s = String(v ?? ""); return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
    return [headers.join(","), ...rows.map((r) => headers.map((k) => cell(r[k])).join(","))].join("\n") + "\n";
  }

  async function admin() {
    if (me.kind !== "ADMIN") return;
    const section = document.getElementById("admin");
    section.hidden = false;
    const input = h("input", { id: "a-period", name: "period", value: lastMonth(), required: true, "aria-describedby": "a-help" });
    const out = h("div", { "aria-live": "polite" });
    const preview = h("button", { type: "submit" }, "Preview the close");
    const close = h("button", { type: "button", class: "danger" }, "Close the period…");
    const payouts = h("button", { type: "button", hidden: true }, "Download payouts (CSV)");
    const form = h("form", { class: "filters" },
      h("div", {}, h("label", { for: "a-period" }, "Period"), input,
        h("p", { id: "a-help", class: "help" }, "A month that has ended (e.g. last month) or, for families, a week that has ended (2026-W47); a period can be closed only after it ends.")),
      preview, close, payouts);
    const runs = h("div", {});
    show(section, h("h2", {}, "Period close (admin)"), form, out, runs);

    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const { previewPeriod: p } = await gql(`query($p: String!) { previewPeriod(period: $p) { period total
          byRule { rule status amount entries } byMember { memberId amount entries } } }`, { p: input.value.trim() });
        show(out, h("p", {}, `Closing ${p.period} would book ${p.total} in total.`),
          table("Per rule", ["rule", "status", "amount", "entries"], p.byRule.map((r) => [r.rule, r.status.toLowerCase(), r.amount, String(r.entries)])),
          table("Per member", ["member", "amount", "entries"], p.byMember.map((m) => [memberLink({ id: m.memberId, name: m.memberId }, "money"), m.amount, String(m.entries)])));
      } catch (error) { show(out, failure(error)); }
    });

    close.addEventListener("click", () => {
      const period = input.value.trim();
      const typed = h("input", { id: "confirm-period", autocomplete: "off" });
      const dialog = h("dialog", { "aria-labelledby": "confirm-title" },
        h("form", { method: "dialog" },
          h("h2", { id: "confirm-title" }, `Close ${period}?`),
          h("p", {}, "A closed period never changes: its entries are booked for good. Type the period to confirm."),
          h("label", { for: "confirm-period" }, "Period"), typed,
          h("div", { class: "row" }, h("button", { value: "cancel" }, "Cancel"), h("button", { value: "close", class: "danger" }, "Close it"))));
      document.body.append(dialog);
      dialog.addEventListener("close", async () => {
        const confirmed = dialog.returnValue === "close" && typed.value.trim() === period;
        dialog.remove();
        if (dialog.returnValue === "close" && !confirmed) { show(out, h("p", { class: "error", role: "alert" }, "Not closed: the typed period did not match.")); return; }
        if (!confirmed) return;
        try {
          const { closePeriod: r } = await gql("mutation($p: String!) { closePeriod(period: $p) { period entries total state } }", { p: period });
          show(out, h("p", { role: "status" }, `Closed ${r.period}: ${r.entries} entries, ${r.total} (${r.state.toLowerCase()}).`));
          listRuns();
        } catch (error) { show(out, failure(error)); }
      });
      dialog.showModal();
      typed.focus();
    });

    if (await hasQuery("payouts").catch(() => false)) {
      payouts.hidden = false;
      payouts.addEventListener("click", async () => {
        const period = input.value.trim();
        try {
          const d = await gql(`query($p: String!) { payouts(period: $p) ${await selectionOf("Payouts")} }`, { p: period });
          const list = Object.values(d.payouts).find(Array.isArray) || [];
          download(`payouts-${period}.csv`, csvOf(list), "text/csv");
        } catch (error) { show(out, failure(error)); }
      });
    }

    async function listRuns() {
      try {
        const { periodRuns } = await gql("{ periodRuns { period entries total state } }");
        show(runs, table("Closed periods", ["period", "entries", "total", "state"],
          periodRuns.map((r) => [r.period, String(r.entries), r.total, r.state.toLowerCase()])));
        const list = document.getElementById("periods");
        list.replaceChildren(...periodRuns.map((r) => h("option", { value: r.period })));
      } catch (error) { show(runs, failure(error)); }
    }
    listRuns();
  }

  function picker() {
    const input = h("input", { id: "m-id", name: "id", required: true });
    const form = h("form", { class: "filters card", action: "/app/money", method: "get" },
      h("div", {}, h("label", { for: "m-id" }, "Member id"), input), h("button", { type: "submit" }, "Open"));
    show("member-picker", form);
  }

  document.getElementById("ledger-filter").addEventListener("submit", (event) => { event.preventDefault(); ledger(); });
  document.getElementById("ledger-more").addEventListener("click", () => ledger(true));
  if (memberId) {
    balance(); fund(); ledger(); statement();
  } else {
    picker();
    show("balance", empty("No member chosen: open one by its id."));
    document.getElementById("fund").hidden = true;
    document.getElementById("ledger").closest("section").hidden = true;
  }
  admin();
})();
