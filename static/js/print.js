// "In bài viết": a button with data-print stays hidden without scripts (it could do nothing then);
// with them it shows and opens the browser's print dialog. The print stylesheet (site.css) does the rest.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
