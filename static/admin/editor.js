// Markdown editor: a small toolbar and a live preview rendered by the server (same sanitizer
// as the public page). No external libraries, so it works on a closed network.
(function () {
  "use strict";
  var textarea = document.querySelector("textarea.markdown-editor");
  var preview = document.getElementById("preview");
  if (!textarea || !preview) { return; }
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var timer = null;

  function wrap(before, after, placeholder) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var selected = textarea.value.slice(start, end) || placeholder;
    textarea.setRangeText(before + selected + after, start, end, "select");
    textarea.focus();
    schedule();
  }

  var tools = [
    ["Đậm", function () { wrap("**", "**", "chữ đậm"); }],
    ["Nghiêng", function () { wrap("_", "_", "chữ nghiêng"); }],
    ["Tiêu đề", function () { wrap("\n## ", "\n", "Tiêu đề mục"); }],
    ["Danh sách", function () { wrap("\n- ", "\n", "ý thứ nhất"); }],
    ["Liên kết", function () { wrap("[", "](https://)", "chữ hiển thị"); }],
    ["Ảnh", function () { wrap("![", "](/media/...)", "mô tả ảnh"); }],
    ["Bảng", function () {
      wrap("\n| Cột 1 | Cột 2 |\n|:---|---:|\n| ", " | 0 |\n", "nội dung");
    }]
  ];
  var bar = document.createElement("div");
  bar.className = "md-toolbar";
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", "Định dạng nội dung");
  tools.forEach(function (tool) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = tool[0];
    button.addEventListener("click", tool[1]);
    bar.appendChild(button);
  });
  textarea.parentNode.insertBefore(bar, textarea);

  function render() {
    var body = new FormData();
    body.append("body", textarea.value);
    fetch(preview.getAttribute("data-preview-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": tokenMeta ? tokenMeta.content : ""}
    }).then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.html !== undefined) { preview.innerHTML = data.html; }
        else { preview.textContent = data.error || "Không xem trước được."; }
      })
      .catch(function () { preview.textContent = "Không kết nối được máy chủ để xem trước."; });
  }
  function schedule() { clearTimeout(timer); timer = setTimeout(render, 400); }
  textarea.addEventListener("input", schedule);
  render();
}());
