// Small enhancements; every page works without them.
(function () {
  "use strict";

  // Payment window countdowns, in the words the page gives in its own language.
  function tick() {
    document.querySelectorAll("time[data-countdown]").forEach(function (el) {
      var left = Math.floor((Date.parse(el.getAttribute("data-countdown")) - Date.now()) / 1000);
      if (isNaN(left)) return;
      var word = function (name, english) { return el.getAttribute("data-" + name) || english; };
      if (left <= 0) { el.textContent = word("up", "time is up"); el.classList.add("late"); return; }
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      el.textContent = (h ? h + " " + word("h", "h") + " " : "") + m + " " + word("min", "min") + " " +
        (s < 10 ? "0" : "") + s + " " + word("s-left", "s left");
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

  // Trade progress: when the trade moves on (paid, released, cancelled, disputed, a
  // cancel vote), show it. Reload at once unless the visitor is typing something the
  // reload would lose; then say so and let them choose.
  var progress = document.getElementById("trade-state");
  if (progress && progress.getAttribute("data-poll")) {
    var typing = function () {
      return Array.prototype.some.call(document.querySelectorAll("textarea, input[type=text], input:not([type])"), function (el) {
        return el.value.trim() !== "" || el === document.activeElement;
      });
    };
    var check = function () {
      fetch(progress.getAttribute("data-poll"), { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (now) {
          now = now.trim();
          if (!now || now === progress.getAttribute("data-moment")) return;
          if (typing()) { document.getElementById("trade-changed").hidden = false; return; }
          window.location.reload();
        })
        .catch(function () {});
    };
    setInterval(check, 5000);
  }

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
