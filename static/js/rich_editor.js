// The item editor's formatting: each textarea[data-rich] becomes a small
// editor (bold, italic, lists, a table, an image from the bank), worked by
// mouse or keyboard (Tab reaches every button; Ctrl+B and Ctrl+I). It writes
// XHTML into the textareas, and the form's content_format "xhtml", only once
// the writer changes something, so an item saved untouched stays as it was.
// The server sanitises whatever arrives (item_bank/rich.py); the copy below
// keeps the editor itself to the same subset. Without this script the
// textareas take plain text, as ever.
(function () {
  "use strict";
  var TAGS = ["P", "BR", "STRONG", "EM", "B", "I", "U", "SUB", "SUP", "UL", "OL", "LI", "TABLE", "THEAD", "TBODY",
              "TR", "TH", "TD", "CAPTION", "BLOCKQUOTE", "IMG"];
  var DROPPED = ["SCRIPT", "STYLE", "IFRAME", "OBJECT", "EMBED", "SVG", "MATH", "TEMPLATE", "NOSCRIPT", "TEXTAREA",
                 "SELECT", "TITLE"];
  var IMAGE_SRC = /^\/item-bank\/images\/[0-9a-f]{64}$/;

  var form = document.querySelector("form[data-rich-editor]");
  if (!form) { return; }
  var format = form.querySelector("input[name=content_format]");
  var csrfToken = document.querySelector("meta[name=csrf-token]").content;
  var editors = [];
  document.execCommand("defaultParagraphSeparator", false, "p");

  // A copy of `source`'s children into `target`, keeping the subset only.
  function copyAllowed(source, target) {
    source.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) {
        target.appendChild(document.createTextNode(node.textContent));
      } else if (node.nodeType === Node.ELEMENT_NODE && DROPPED.indexOf(node.tagName) < 0) {
        if (TAGS.indexOf(node.tagName) < 0) { copyAllowed(node, target); return; }
        var element = document.createElement(node.tagName === "B" ? "strong" : node.tagName === "I" ? "em" :
                                             node.tagName.toLowerCase());
        if (node.tagName === "IMG") {
          if (!IMAGE_SRC.test(node.getAttribute("src") || "")) { return; }
          element.setAttribute("src", node.getAttribute("src"));
          element.setAttribute("alt", node.getAttribute("alt") || "");
        }
        target.appendChild(element);
        copyAllowed(node, element);
      }
    });
  }

  function fromHtml(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html");  // inert: nothing in it runs or loads
    var holder = document.createElement("div");
    copyAllowed(parsed.body, holder);
    return holder;
  }

  function fromPlainText(text) {
    var holder = document.createElement("div");
    text.split(/\n\s*\n/).forEach(function (paragraph) {
      if (!paragraph.trim()) { return; }
      var p = document.createElement("p");
      paragraph.split("\n").forEach(function (line, index) {
        if (index) { p.appendChild(document.createElement("br")); }
        p.appendChild(document.createTextNode(line));
      });
      holder.appendChild(p);
    });
    return holder;
  }

  function escapeAttribute(text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  // Once anything changes, every field is written as XHTML, so all of the item holds one format.
  function markChanged() {
    format.value = "xhtml";
    editors.forEach(function (editor) {
      editor.textarea.value = fromHtml(editor.area.innerHTML).innerHTML;
    });
  }

  function labelOf(textarea) {
    var label = form.querySelector("label[for='" + textarea.id + "']");
    if (label && !label.id) { label.id = textarea.id + "-label"; }
    return label;
  }

  function button(text, name, action) {
    var control = document.createElement("button");
    control.type = "button";
    control.className = "rich-button";
    control.textContent = text;
    control.setAttribute("aria-label", name);
    control.title = name;
    control.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
    control.addEventListener("click", action);
    return control;
  }

  function enhance(textarea) {
    var label = labelOf(textarea);
    var area = document.createElement("div");
    var status = document.createElement("p");
    var toolbar = document.createElement("div");
    var file = document.createElement("input");
    var editor = { textarea: textarea, area: area };
    var saved = null;

    area.className = "rich-area";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    if (label) { area.setAttribute("aria-labelledby", label.id); }
    if (textarea.getAttribute("aria-describedby")) {
      area.setAttribute("aria-describedby", textarea.getAttribute("aria-describedby"));
    }
    area.id = textarea.id + "-editor";
    var start = format.value === "xhtml" ? fromHtml(textarea.value) : fromPlainText(textarea.value);
    while (start.firstChild) { area.appendChild(start.firstChild); }

    status.className = "hint";
    status.setAttribute("role", "status");
    file.type = "file";
    file.accept = "image/png,image/jpeg,image/gif,image/webp";
    file.hidden = true;
    file.tabIndex = -1;

    function run(command, value) {
      area.focus();
      document.execCommand(command, false, value || null);
      markChanged();
    }

    function remember() {
      var selection = window.getSelection();
      saved = selection.rangeCount && area.contains(selection.anchorNode) ? selection.getRangeAt(0) : null;
    }

    function restore() {
      area.focus();
      if (saved) {
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(saved);
      }
    }

    function askAlt() {
      var alt = window.prompt("Describe the image for someone who cannot see it (alt text, required):", "");
      while (alt !== null && !alt.trim()) {
        alt = window.prompt("An image needs alt text. Describe it, or cancel to leave it out:", "");
      }
      return alt === null ? null : alt.trim();
    }

    file.addEventListener("change", function () {
      var chosen = file.files[0];
      file.value = "";
      if (!chosen) { return; }
      var alt = askAlt();
      if (alt === null) { status.textContent = "The image was left out."; restore(); return; }
      var body = new FormData();
      body.append("image", chosen);
      body.append("alt", alt);
      status.textContent = "Uploading " + chosen.name + "…";
      fetch("/item-bank/images", { method: "POST", body: body, credentials: "same-origin",
                                   headers: { "X-CSRFToken": csrfToken } })
        .then(function (response) {
          if (response.status !== 201) {
            return response.text().then(function (reason) { throw new Error(reason); });
          }
          restore();
          document.execCommand("insertHTML", false,
            '<img src="' + escapeAttribute(response.headers.get("Location")) + '" alt="' + escapeAttribute(alt) + '">');
          markChanged();
          status.textContent = "Image added: " + alt;
        })
        .catch(function (error) {
          status.textContent = "The image was not added: " + (error.message || "the upload failed") + ".";
          restore();
        });
    });

    toolbar.className = "rich-toolbar";
    toolbar.setAttribute("role", "group");
    // Named apart from its field, so that the field's label names the editor alone.
    toolbar.setAttribute("aria-label", "Formatting");
    toolbar.appendChild(button("B", "Bold (Ctrl+B)", function () { run("bold"); }));
    toolbar.appendChild(button("I", "Italic (Ctrl+I)", function () { run("italic"); }));
    toolbar.appendChild(button("Bulleted list", "Bulleted list", function () { run("insertUnorderedList"); }));
    toolbar.appendChild(button("Numbered list", "Numbered list", function () { run("insertOrderedList"); }));
    toolbar.appendChild(button("Table", "Insert a table of two rows and two columns", function () {
      run("insertHTML", "<table><tbody><tr><th>Heading</th><th>Heading</th></tr>" +
                        "<tr><td>Cell</td><td>Cell</td></tr></tbody></table><p><br></p>");
    }));
    toolbar.appendChild(button("Image", "Insert an image (you will be asked for its alt text)", function () {
      remember();
      file.click();
    }));

    area.addEventListener("input", markChanged);
    area.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) { return; }
      var key = event.key.toLowerCase();
      if (key === "b" || key === "i") {
        event.preventDefault();
        run(key === "b" ? "bold" : "italic");
      }
    });
    if (label) {
      // The label names the editor now, not the hidden textarea.
      label.removeAttribute("for");
      label.addEventListener("click", function () { area.focus(); });
    }

    textarea.hidden = true;
    textarea.parentNode.insertBefore(toolbar, textarea);
    textarea.parentNode.insertBefore(area, textarea);
    textarea.parentNode.insertBefore(status, textarea);
    textarea.parentNode.insertBefore(file, textarea);
    editors.push(editor);
  }

  form.querySelectorAll("textarea[data-rich]").forEach(enhance);
  form.addEventListener("submit", function () {
    if (format.value === "xhtml") { markChanged(); }
  });
})();
