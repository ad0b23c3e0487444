// Siang: small improvements on top of pages that work without JavaScript.
(function () {
  "use strict";
  // Appends an option per area under `parent` (GET /api/v1/areas?parent=…) to `list`.
  var appendAreas = function (parent, list, value, label) {
    fetch("/api/v1/areas?parent=" + encodeURIComponent(parent)).then(function (response) {
      return response.ok ? response.json() : { areas: [] };
    }).then(function (body) {
      (body.areas || []).forEach(function (area) {
        var option = document.createElement("option");
        option.value = area[value];
        if (label) option.textContent = area[label];
        list.appendChild(option);
      });
    }).catch(function () {});
  };
  // Districts: show only those of the chosen province.
  var province = document.getElementById("province");
  var district = document.getElementById("district");
  if (province && district) {
    var groups = Array.prototype.slice.call(district.querySelectorAll("optgroup"));
    var filter = function () {
      // Another province's districts are fetched once, when it is first chosen.
      if (province.value && window.fetch && !district.querySelector("optgroup[data-province='" + province.value + "']")) {
        var group = document.createElement("optgroup");
        group.setAttribute("data-province", province.value);
        group.label = province.options[province.selectedIndex].text;
        district.appendChild(group);
        groups.push(group);
        appendAreas(province.value, group, "code", "name_th");
      }
      groups.forEach(function (group) {
        var match = group.getAttribute("data-province") === province.value;
        group.hidden = !match;
        group.disabled = !match;
        if (!match && district.selectedOptions.length && district.selectedOptions[0].parentNode === group) district.value = "";
      });
    };
    province.addEventListener("change", filter);
    filter();
  }
  // Subdistricts: offer the names of the chosen district's as the citizen types.
  var subdistrictNames = document.getElementById("subdistrict-names");
  if (district && subdistrictNames && window.fetch) {
    district.addEventListener("change", function () {
      subdistrictNames.textContent = "";
      if (district.value) appendAreas(district.value, subdistrictNames, "name_th");
    });
  }
  // Location: fill latitude and longitude from the device, when the citizen asks.
  var locate = document.getElementById("locate");
  if (locate && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("latitude").value = position.coords.latitude.toFixed(6);
        document.getElementById("longitude").value = position.coords.longitude.toFixed(6);
      });
    });
  }
  // Category: suggest one from the text while the citizen types; they may change it.
  var text = document.getElementById("text");
  var category = document.getElementById("category");
  var hint = document.getElementById("category-suggestion");
  if (text && category && hint && window.fetch) {
    var timer = null, touched = false;
    category.addEventListener("change", function () { touched = true; });
    text.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (text.value.trim().length < 8) return;
        fetch("/api/v1/category-suggestion", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ text: text.value })
        }).then(function (r) { return r.ok ? r.json() : null; }).then(function (s) {
          if (!s || !s.category) return;
          hint.textContent = hint.getAttribute("data-label") + " " + s.name;
          if (!touched) category.value = s.category;
        }).catch(function () {});
      }, 600);
    });
  }
  // Ballot: the running total of the chosen projects, marked when over the budget (the server checks it too).
  var ballot = document.getElementById("ballot-form");
  var amount = document.getElementById("ballot-total-amount");
  if (ballot && amount) {
    var budget = Number(ballot.getAttribute("data-budget"));
    var boxes = Array.prototype.slice.call(ballot.querySelectorAll("input[data-cost]"));
    var total = function () {
      var sum = boxes.reduce(function (s, b) { return b.checked ? s + Number(b.getAttribute("data-cost")) : s; }, 0);
      amount.textContent = amount.textContent.replace(/[0-9][0-9,]*/, sum.toLocaleString("en-US"));
      amount.className = sum > budget ? "overdue" : "";
    };
    boxes.forEach(function (b) { b.addEventListener("change", total); });
  }
})();
