// Family dashboard: the leader's daily check on one page — today's flags, top contributors and
// the 80 % line, consistency, may-leave warnings, role check, expenses and margin, weekly chart.
"use strict";

(() => {
  const { data, gql, h, empty, failure, show, table, memberLink } = refnet;
  const page = data();
  const select = document.getElementById("family-id");

  const HEALTH = `query($id: ID!, $asOf: DateTime!) { family(id: $id) { id name leader { id name } }
    teamHealth(familyId: $id, asOf: $asOf) { asOf
      flags { code memberId message }
      topContributors { windowDays cut totalDiamonds memberIds groupDiamonds groupShare }
      members { memberId member { id name } role lastActivityAt gapHours gapLevel diamonds30d share30d topContributor
        cv consistency recentWeekly usualWeekly drop mayLeave diamondsMonth songsWeek pkDays meetsRole roleShortfalls mayPromoteTo }
      budget { periods spend byCategory { category amount share } commission commissionDiamonds netMargin marginClass } } }`;

  const GAP_ORDER = ["REMOVAL_CANDIDATE", "WARNING", "AT_RISK"];
  const GAP_TEXT = { REMOVAL_CANDIDATE: "5 days or more", WARNING: "3 days or more", AT_RISK: "48 hours or more" };
  const pct = (x) => (x === null || x === undefined ? "—" : `${(Number(x) * 100).toFixed(1)} %`);

  function flagsSection(health) {
    const names = new Map(health.members.map((m) => [m.memberId, `${m.member.name} (${m.memberId})`]));
    const byCode = new Map();
    for (const flag of health.flags) {
      if (!byCode.has(flag.code)) byCode.set(flag.code, []);
      byCode.get(flag.code).push(flag);
    }
    const codes = [...GAP_ORDER.filter((c) => byCode.has(c)), ...[...byCode.keys()].filter((c) => !GAP_ORDER.includes(c))];
    const body = codes.length ? h("ul", { class: "flags" }, codes.map((code) => h("li", { class: `flag ${code}` },
      h("strong", {}, code.replace(/_/g, " ").toLowerCase() + (GAP_TEXT[code] ? ` (silent ${GAP_TEXT[code]})` : "")),
      h("ul", {}, byCode.get(code).map((f) => h("li", { "data-flag": code, "data-member": f.memberId || "" },
        f.memberId ? h("strong", {}, `${names.get(f.memberId) || f.memberId}: `) : "", f.message))))))
      : empty("No flags today: everyone is active and the budget is fine.");
    return h("section", { class: "card", "aria-labelledby": "flags-title" }, h("h2", { id: "flags-title" }, "Today's flags"), body);
  }

  function topSection(health) {
    const top = health.topContributors;
    const members = [...health.members].sort((a, b) => b.diamonds30d - a.diamonds30d || a.memberId.localeCompare(b.memberId));
    let running = 0;
    const rows = members.map((m) => {
      running += m.diamonds30d;
      const share = top.totalDiamonds ? running / top.totalDiamonds : 0;
      return [memberLink(m.member), String(m.diamonds30d), pct(m.share30d), pct(share), m.topContributor ? "★ top" : ""];
    });
    const line = top.totalDiamonds
      ? `${top.memberIds.length} of ${members.length} members bring ${pct(top.groupShare)} of the ${top.totalDiamonds} diamonds of the last ${top.windowDays} days (the ${pct(top.cut)} line).`
      : `No qualifying diamonds in the last ${top.windowDays} days.`;
    return h("section", { class: "card" }, h("h2", {}, "Top contributors"), h("p", {}, line),
      table("Diamonds of the last 30 days, most first", ["member", "diamonds", "share", "running share", "in the 80 % group"], rows));
  }

  function membersSection(health) {
    const rows = health.members.map((m) => [
      memberLink(m.member), m.role.toLowerCase(),
      m.lastActivityAt ? m.lastActivityAt.slice(0, 16).replace("T", " ") : "none yet",
      h("span", { class: `gap ${m.gapLevel}` }, `${Number(m.gapHours).toFixed(0)} h · ${m.gapLevel.replace(/_/g, " ").toLowerCase()}`),
      m.consistency ? `${m.consistency.toLowerCase()} (cv ${m.cv})` : "—",
      m.mayLeave ? h("strong", { class: "warn" }, `may leave (−${pct(m.drop)})`) : "",
      m.meetsRole ? "meets role" : h("span", { class: "warn" }, m.roleShortfalls.join("; ")),
      m.mayPromoteTo ? `may become ${m.mayPromoteTo.toLowerCase()}` : ""]);
    return h("section", { class: "card" }, h("h2", {}, "Members"),
      health.members.length ? table("Activity, consistency and role check", ["member", "role", "last activity", "gap", "consistency", "may leave", "role check", "promotion"], rows)
        : empty("This family has no members yet."));
  }

  function budgetSection(health) {
    const b = health.budget;
    return h("section", { class: "card" }, h("h2", {}, "Expenses and margin"),
      h("p", {}, `Last ${b.periods.length} complete periods (${b.periods.join(", ") || "none"}): spend ${b.spend}, commission ${b.commission}; net margin ${pct(b.netMargin)}`,
        b.marginClass ? h("span", { class: `margin ${b.marginClass}` }, ` ${b.marginClass.toLowerCase()}`) : ""),
      table("Spend by category", ["category", "amount", "share of spend"], b.byCategory.map((c) => [c.category, c.amount, pct(c.share)])));
  }

  async function draw(familyId) {
    const target = show("dashboard", h("p", { class: "empty" }, "Loading…"));
    try {
      const d = await gql(HEALTH, { id: familyId, asOf: new Date().toISOString() });
      if (!d.family) { show(target, empty(`There is no family ${familyId}.`)); return; }
      const health = d.teamHealth;
      show(target,
        h("p", { class: "lead" }, `${d.family.name} (${d.family.id}), led by `, memberLink(d.family.leader), ` — as of ${health.asOf.slice(0, 16).replace("T", " ")} UTC.`),
        flagsSection(health), topSection(health), membersSection(health), budgetSection(health),
        h("section", { class: "card" }, h("h2", {}, "Weekly chart"),
          h("img", { class: "chart", src: `/families/${encodeURIComponent(familyId)}/chart.svg`,
            alt: "Qualifying diamonds per member and week, the leader's commission (dashed) and the threshold (dotted), last 12 weeks" })));
    } catch (error) { show(target, failure(error)); }
  }

  async function start() {
    try {
      const { families } = await gql("{ families { id name leaderId } }");
      if (!families.length) {
        show("dashboard", empty(page.me.kind === "ADMIN" ? "There are no families yet." : "You lead no family."));
        document.getElementById("family-picker").hidden = true;
        return;
      }
      select.replaceChildren(...families.map((f) => h("option", { value: f.id }, `${f.name} (${f.id})`)));
      const chosen = page.familyId || families[0].id;
      select.value = chosen;
      draw(chosen);
    } catch (error) { show("dashboard", failure(error)); }
  }

  document.getElementById("family-picker").addEventListener("submit", (event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set("id", select.value);
    history.replaceState(null, "", url);
    draw(select.value);
  });
  start();
})();
