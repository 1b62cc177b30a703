// Album page: a thumbnail opens its photo large in a dialog (caption, previous/next by buttons or
// arrow keys, Escape or "Đóng" closes and gives focus back to the thumbnail). Without this script
// each thumbnail is a link to the photo's own page, which has the same.
(function () {
  "use strict";
  var grid = document.querySelector("[data-album-grid]");
  var dialog = document.querySelector("[data-lightbox]");
  if (!grid || !dialog || typeof dialog.showModal !== "function") return;
  var links = Array.prototype.slice.call(grid.querySelectorAll("a.album-photo"));
  var caption = dialog.querySelector("figcaption");
  var image = null;  // made on first opening: an empty <img> waiting in the page would be a broken one
  var count = dialog.querySelector(".lightbox-count");
  var current = 0;

  function show(index) {
    current = (index + links.length) % links.length;
    var link = links[current];
    var thumb = link.querySelector("img");
    if (!image) {
      image = document.createElement("img");
      caption.parentNode.insertBefore(image, caption);
    }
    image.src = link.getAttribute("data-large");
    image.width = Number(link.getAttribute("data-width"));
    image.height = Number(link.getAttribute("data-height"));
    image.alt = thumb ? thumb.alt : "";
    caption.textContent = link.getAttribute("data-caption") || "";
    caption.hidden = !caption.textContent;
    count.textContent = "Ảnh " + (current + 1) + "/" + links.length;
  }

  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) return;
      event.preventDefault();
      show(index);
      dialog.showModal();
      dialog.querySelector("[data-step='1']").focus();
    });
  });
  dialog.addEventListener("click", function (event) {
    var step = event.target.getAttribute("data-step");
    if (step) show(current + Number(step));
    else if (event.target.hasAttribute("data-close") || event.target === dialog) dialog.close();
  });
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") { show(current + 1); event.preventDefault(); }
    if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
  });
  dialog.addEventListener("close", function () { links[current].focus(); });
})();
