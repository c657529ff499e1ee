// Small enhancements; every page works without them.
(function () {
  "use strict";

  // Payment window countdowns.
  function tick() {
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var left = Math.floor((Date.parse(el.getAttribute("data-countdown")) - Date.now()) / 1000);
      if (isNaN(left)) return;
      if (left <= 0) { el.textContent = "time is up"; el.classList.add("late"); return; }
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      el.textContent = (h ? h + " h " : "") + m + " min " + (s < 10 ? "0" : "") + s + " s left";
    });
  }
  tick();
  setInterval(tick, 1000);

  // Forms that need a second thought.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  });

  // Trade chat: fetch new lines every few seconds.
  var chat = document.getElementById("chat-lines");
  if (chat && chat.getAttribute("data-poll")) {
    var poll = function () {
      var after = chat.getAttribute("data-after") || "0";
      fetch(chat.getAttribute("data-poll") + "?after=" + encodeURIComponent(after), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (!html.trim()) return;
          var box = document.createElement("ol");
          box.innerHTML = html;
          var last = after;
          Array.prototype.slice.call(box.children).forEach(function (li) {
            if (!chat.querySelector('[data-id="' + li.getAttribute("data-id") + '"]')) chat.appendChild(li);
            last = li.getAttribute("data-id");
          });
          chat.setAttribute("data-after", last);
          var empty = document.getElementById("chat-empty");
          if (empty) empty.remove();
          chat.scrollTop = chat.scrollHeight;
        })
        .catch(function () {});
    };
    chat.scrollTop = chat.scrollHeight;
    setInterval(poll, 5000);
  }
})();
