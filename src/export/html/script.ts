/**
 * The report's only script: filters and search over rows, vanilla and self-contained. The page's CSP
 * allows exactly this text (by its SHA-256), so nothing else (an injected handler, a tenant's `<script>`)
 * can run even if escaping ever failed.
 *
 * Markup contract (used by components.ts, reusable by any report):
 * - `[data-filter-scope]` wraps one set of controls and the rows they filter;
 * - `<select data-filter="KEY">` / `<input type=checkbox data-filter="KEY" value="V">` keep rows whose
 *   `data-KEY` (space-separated tokens) contains the chosen value; an empty value means "any";
 * - `<input data-search>` keeps rows whose text contains the query (case-insensitive);
 * - `[data-row]` rows; `[data-group]` is hidden when a filter or search is set and none of its rows is
 *   shown;
 * - `[data-count]` receives "N of M shown"; `[data-empty]` is shown when its table (or, outside a table,
 *   the scope) shows no row; `[data-reset]` clears.
 */
export const script = `(function () {
  "use strict";
  function has(row, key, value) {
    var tokens = " " + (row.getAttribute("data-" + key) || "") + " ";
    return tokens.indexOf(" " + value + " ") >= 0;
  }
  function apply(scope) {
    var wanted = [];
    scope.querySelectorAll("[data-filter]").forEach(function (c) {
      var value = c.type === "checkbox" ? (c.checked ? c.value : "") : c.value;
      if (value) wanted.push([c.getAttribute("data-filter"), value]);
    });
    var search = scope.querySelector("[data-search]");
    var query = search ? search.value.trim().toLowerCase() : "";
    var shown = 0;
    var rows = scope.querySelectorAll("[data-row]");
    rows.forEach(function (row) {
      var ok = wanted.every(function (w) { return has(row, w[0], w[1]); });
      if (ok && query) ok = row.textContent.toLowerCase().indexOf(query) >= 0;
      row.hidden = !ok;
      if (ok) shown++;
    });
    // A group hides when a filter is set and none of its rows is shown; with no filter every group stays,
    // also one without rows (a tenant with nothing to list still says so).
    var active = wanted.length > 0 || query !== "";
    scope.querySelectorAll("[data-group]").forEach(function (group) {
      group.hidden = active && !group.querySelector("[data-row]:not([hidden])");
    });
    var count = scope.querySelector("[data-count]");
    if (count) count.textContent = shown === rows.length ? rows.length + " shown" : shown + " of " + rows.length + " shown";
    // An empty-state marker inside a table speaks for that table, one outside for the whole scope.
    scope.querySelectorAll("[data-empty]").forEach(function (empty) {
      var owner = empty.closest("table") || scope;
      empty.hidden = !!owner.querySelector("[data-row]:not([hidden])");
    });
  }
  document.documentElement.classList.add("js");
  document.querySelectorAll("[data-filter-scope]").forEach(function (scope) {
    scope.addEventListener("input", function () { apply(scope); });
    scope.addEventListener("change", function () { apply(scope); });
    var reset = scope.querySelector("[data-reset]");
    if (reset) reset.addEventListener("click", function () {
      scope.querySelectorAll("[data-filter], [data-search]").forEach(function (c) {
        if (c.type === "checkbox") c.checked = false; else c.value = "";
      });
      apply(scope);
    });
    apply(scope);
  });
})();`;
