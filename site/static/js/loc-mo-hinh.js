// Instant text filter for the model directory. Progressive enhancement only: without this
// script the pre-built filter pages (by field, by province) still work. No inline code, so it
// runs under a CSP without 'unsafe-inline'. Plain ES5 for old Android browsers.
(function () {
  "use strict";
  var list = document.getElementById("ds-mo-hinh");
  var count = document.getElementById("so-mo-hinh");
  if (!list || !count || !document.addEventListener) return;

  // Fold case and Vietnamese diacritics so "tu quan" finds "Tự quản": the site's one fold
  // (tim-xa.js, loaded on every page before this file).
  var fold = window.AntqFold ? window.AntqFold.marks : function (text) {
    return text.toLowerCase();
  };
  function vi(n) {
    return window.AntqNumber ? window.AntqNumber(n) : String(n); // tim-xa.js
  }

  var items = [];
  for (var i = 0; i < list.children.length; i++) {
    items.push({ el: list.children[i], text: fold(list.children[i].textContent) });
  }
  var initial = count.textContent;

  var box = document.createElement("div");
  box.className = "search";
  box.setAttribute("role", "search");
  var label = document.createElement("label");
  label.htmlFor = "tim-mo-hinh";
  // A list on several pages (/mo-hinh/trang-2/ …) is filtered a page at a time.
  label.textContent = document.querySelector(".pager")
    ? "Tìm nhanh trong trang này"
    : "Tìm nhanh trong danh sách này";
  var input = document.createElement("input");
  input.type = "search";
  input.id = "tim-mo-hinh";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.setAttribute("aria-describedby", "so-mo-hinh");
  box.appendChild(label);
  box.appendChild(input);
  count.parentNode.insertBefore(box, count);
  count.setAttribute("aria-live", "polite");

  function update() {
    var words = fold(input.value).split(" ").filter(Boolean);
    var shown = 0;
    for (var i = 0; i < items.length; i++) {
      var match = true;
      for (var j = 0; j < words.length && match; j++) {
        match = items[i].text.indexOf(words[j]) !== -1;
      }
      items[i].el.hidden = !match;
      if (match) shown++;
    }
    count.textContent = words.length
      ? (shown ? vi(shown) + " trên " + vi(items.length) + " mô hình khớp với “" + input.value.trim() + "”."
               : "Không có mô hình nào khớp với “" + input.value.trim() + "”.")
      : initial;
  }
  input.addEventListener("input", update);
  if (input.value) update(); // value restored by the browser on "back"
})();
