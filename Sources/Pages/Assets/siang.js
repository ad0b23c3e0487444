// Siang: small improvements on top of pages that work without JavaScript.
(function () {
  "use strict";
  // Districts: show only those of the chosen province.
  var province = document.getElementById("province");
  var district = document.getElementById("district");
  if (province && district) {
    var groups = Array.prototype.slice.call(district.querySelectorAll("optgroup"));
    var filter = function () {
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
