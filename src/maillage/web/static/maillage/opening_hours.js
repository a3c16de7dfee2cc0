/* Opening-hours editor (web/opening_hours_widget.py): turns the OSM opening_hours text field
   into days × time ranges, public holidays and school holidays closed or as usual and, when the
   server's parser accepts comments, « sur rendez-vous ». The text field stays the value sent to
   the server (and stays editable: typing in it refreshes the table when the editor can show the
   value). Writes only the common subset:
   'Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00 "sur rendez-vous"; SH off; PH off'.
   No HTML strings: every node is built with createElement and textContent. */
(function () {
  "use strict";

  var DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
  var COMMENT = "sur rendez-vous";
  var TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

  /* ---- parsing the subset the editor can show; null when it cannot ---- */
  function emptyWeek() {
    var week = {};
    DAYS.forEach(function (d) { week[d] = { ranges: [], appointment: false }; });
    return { days: week, holidays: "", school: "" };
  }

  function parseDays(selector) {
    var days = [];
    var holidays = false;
    var school = false;
    var ok = selector.split(",").every(function (token) {
      if (token === "PH") { holidays = true; return true; }
      if (token === "SH") { school = true; return true; }
      var m = /^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$/.exec(token);
      if (!m) { return false; }
      var i = DAYS.indexOf(m[1]);
      var end = DAYS.indexOf(m[2] || m[1]);
      for (;;) { days.push(DAYS[i]); if (i === end) { break; } i = (i + 1) % 7; }
      return true;
    });
    return ok ? { days: days, holidays: holidays, school: school } : null;
  }

  function parseRanges(text) {
    var out = [];
    var ok = text.split(",").every(function (part) {
      var m = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(part.trim());
      if (!m || !TIME.test(m[1]) || !TIME.test(m[2]) || m[2] <= m[1]) { return false; }
      out.push([m[1], m[2]]);
      return true;
    });
    return ok ? out : null;
  }

  function parse(value) {
    var model = emptyWeek();
    var text = (value || "").trim().replace(/;\s*$/, "");
    if (!text) { return model; }
    var rules = text.split(";");
    for (var r = 0; r < rules.length; r++) {
      var rule = rules[r].trim();
      var appointment = false;
      var c = /\s*"([^"]*)"$/.exec(rule);
      if (c) {
        if (c[1].trim().toLowerCase() !== COMMENT) { return null; }
        appointment = true;
        rule = rule.slice(0, c.index).trim();
      }
      var m = /^((?:Mo|Tu|We|Th|Fr|Sa|Su|PH|SH)[A-Za-z,-]*)(?:\s+(.*))?$/.exec(rule);
      if (!m) { return null; }
      var sel = parseDays(m[1]);
      var rest = (m[2] || "").trim();
      if (!sel) { return null; }
      var off = rest === "off" || rest === "closed";
      var ranges = off ? [] : (rest ? parseRanges(rest.replace(/,\s+/g, ",")) : (appointment ? [] : null));
      if (ranges === null) { return null; }
      if (sel.holidays || sel.school) {
        // PH or SH with hours, or mixed with days: not shown by the editor
        if (!off || sel.days.length || (sel.holidays && sel.school)) { return null; }
        if (sel.holidays) { model.holidays = "off"; } else { model.school = "off"; }
        continue;
      }
      sel.days.forEach(function (d) {
        model.days[d] = { ranges: ranges.slice(), appointment: appointment };
      });
    }
    return model;
  }

  /* ---- writing ---- */
  function dayKey(day) { return day.ranges.map(function (r) { return r.join("-"); }).join(",") + (day.appointment ? "|rdv" : ""); }

  /* Days with the same hours share one rule: "Mo-Fr", "Mo,Tu", "Mo-We,Fr". */
  function selector(indexes) {
    var runs = [];
    indexes.forEach(function (i) {
      var last = runs[runs.length - 1];
      if (last && last[1] === i - 1) { last[1] = i; } else { runs.push([i, i]); }
    });
    return runs.map(function (r) {
      if (r[0] === r[1]) { return DAYS[r[0]]; }
      return DAYS[r[0]] + (r[1] === r[0] + 1 ? "," : "-") + DAYS[r[1]];
    }).join(",");
  }

  function serialize(model, comments) {
    var groups = [];
    var byKey = {};
    DAYS.forEach(function (d, i) {
      var day = model.days[d];
      if (!day.ranges.length && !(comments && day.appointment)) { return; }
      var key = dayKey(day);
      if (!byKey[key]) { byKey[key] = { day: day, indexes: [] }; groups.push(byKey[key]); }
      byKey[key].indexes.push(i);
    });
    var rules = groups.map(function (g) {
      var parts = [selector(g.indexes)];
      if (g.day.ranges.length) { parts.push(g.day.ranges.map(function (r) { return r.join("-"); }).join(",")); }
      if (comments && g.day.appointment) { parts.push('"' + COMMENT + '"'); }
      return parts.join(" ");
    });
    if (model.school === "off" && rules.length) { rules.push("SH off"); }
    if (model.holidays === "off" && rules.length) { rules.push("PH off"); }
    return rules.join("; ");
  }

  /* ---- the editor ---- */
  function init(editor) {
    var input = document.getElementById(editor.getAttribute("data-oh-editor"));
    if (!input) { return; }
    var comments = editor.hasAttribute("data-oh-comments");
    var status = editor.querySelector("[data-oh-status]");
    var ds = editor.dataset;

    function say(message) { status.textContent = message; }

    function addRange(fieldset, from, to) {
      var list = fieldset.querySelector("[data-oh-ranges]");
      var n = list.children.length + 1;
      var dayName = fieldset.querySelector("legend").textContent;
      var row = document.createElement("div");
      row.className = "oh-range";
      [["from", ds.labelFrom, from], ["to", ds.labelTo, to]].forEach(function (spec) {
        var label = document.createElement("label");
        var input = document.createElement("input");
        input.type = "time";
        input.step = "60";
        input.value = spec[2] || "";
        input.setAttribute("data-oh-" + spec[0], "");
        input.setAttribute("aria-label", dayName + ", " + ds.labelRange + " " + n + " : " + spec[1]);
        var span = document.createElement("span");
        span.textContent = spec[1];
        span.setAttribute("aria-hidden", "true");
        label.appendChild(span);
        label.appendChild(input);
        row.appendChild(label);
      });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary";
      remove.setAttribute("data-oh-remove", "");
      remove.textContent = ds.labelRemove;
      remove.setAttribute("aria-label", ds.labelRemove + " " + n + " (" + dayName + ")");
      row.appendChild(remove);
      list.appendChild(row);
      return row;
    }

    function fill(model) {
      editor.querySelectorAll("[data-oh-day]").forEach(function (fs) {
        var day = model.days[fs.getAttribute("data-oh-day")];
        fs.querySelector("[data-oh-ranges]").textContent = "";
        day.ranges.forEach(function (r) { addRange(fs, r[0], r[1]); });
        var rdv = fs.querySelector("[data-oh-appointment]");
        if (rdv) { rdv.checked = day.appointment; }
      });
      editor.querySelectorAll("[data-oh-ph]").forEach(function (radio) {
        radio.checked = radio.value === model.holidays;
      });
      editor.querySelectorAll("[data-oh-sh]").forEach(function (radio) {
        radio.checked = radio.value === model.school;
      });
    }

    /* Read the table; null (and a message) when a range is incomplete or reversed. */
    function read() {
      var model = emptyWeek();
      var problems = [];
      editor.querySelectorAll("[data-oh-day]").forEach(function (fs) {
        var code = fs.getAttribute("data-oh-day");
        var name = fs.querySelector("legend").textContent;
        fs.querySelectorAll(".oh-range").forEach(function (row) {
          var from = row.querySelector("[data-oh-from]");
          var to = row.querySelector("[data-oh-to]");
          var bad = false;
          if (!from.value && !to.value) { return; }
          if (!TIME.test(from.value) || !TIME.test(to.value)) {
            problems.push(name + " : " + ds.msgIncomplete); bad = true;
          } else if (to.value <= from.value) {
            problems.push(name + " : " + ds.msgOrder); bad = true;
          } else {
            model.days[code].ranges.push([from.value, to.value]);
          }
          from.setAttribute("aria-invalid", bad ? "true" : "false");
          to.setAttribute("aria-invalid", bad ? "true" : "false");
        });
        model.days[code].ranges.sort();
        var rdv = fs.querySelector("[data-oh-appointment]");
        model.days[code].appointment = Boolean(rdv && rdv.checked);
      });
      var ph = editor.querySelector("[data-oh-ph]:checked");
      model.holidays = ph ? ph.value : "";
      var sh = editor.querySelector("[data-oh-sh]:checked");
      model.school = sh ? sh.value : "";
      if (problems.length) { say(problems.join(" ; ")); return null; }
      return model;
    }

    function write() {
      var model = read();
      if (!model) { return; }
      input.value = serialize(model, comments);
      input.dispatchEvent(new Event("change", { bubbles: true }));
      say(ds.msgWritten + " " + (input.value || "—"));
    }

    function fromInput() {
      var model = parse(input.value);
      if (!model) {
        editor.classList.add("oh-unsupported");
        say(ds.msgUnsupported);
        return false;
      }
      editor.classList.remove("oh-unsupported");
      fill(model);
      return true;
    }

    editor.addEventListener("click", function (ev) {
      var target = ev.target;
      if (target.hasAttribute("data-oh-add")) {
        var fs = target.closest("[data-oh-day]");
        addRange(fs, "", "").querySelector("input").focus();
      } else if (target.hasAttribute("data-oh-remove")) {
        var day = target.closest("[data-oh-day]");
        target.closest(".oh-range").remove();
        write();
        day.querySelector("[data-oh-add]").focus();
      } else if (target.hasAttribute("data-oh-copy")) {
        var monday = read();
        if (!monday) { return; }
        ["Tu", "We", "Th", "Fr"].forEach(function (d) {
          monday.days[d] = { ranges: monday.days.Mo.ranges.slice(), appointment: monday.days.Mo.appointment };
        });
        fill(monday);
        write();
      }
    });
    editor.addEventListener("change", function (ev) {
      if (ev.target !== input) { write(); }
    });
    input.addEventListener("input", fromInput);
    fromInput();
    editor.hidden = false;
  }

  window.MaillageOpeningHours = { parse: parse, serialize: serialize };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-oh-editor]").forEach(init);
  });
})();
