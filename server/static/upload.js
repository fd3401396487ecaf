/* Per-slot resumable uploads with progress bars, for phones on weak connections.
 *
 * A file goes up in 256 KB chunks, each sent at the byte offset the server
 * has. When a chunk fails (network drop, timeout, server busy) the script
 * waits, asks the server how many bytes it holds, and continues from there.
 * The upload id is kept in localStorage, so choosing the same file again after
 * a reload resumes instead of starting over. Plain ES2017, no build step.
 */
(function () {
  "use strict";

  var CHUNK = 256 * 1024;
  var MAX_WAIT = 30000;
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.content : "";

  function send(method, url, body, headers, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.timeout = 120000;
      xhr.setRequestHeader("X-CSRFToken", csrf);
      xhr.setRequestHeader("Accept", "application/json");
      Object.keys(headers || {}).forEach(function (name) { xhr.setRequestHeader(name, headers[name]); });
      if (onProgress && xhr.upload) {
        xhr.upload.onprogress = function (event) { if (event.lengthComputable) onProgress(event.loaded); };
      }
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
        resolve({ status: xhr.status, data: data });
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () { reject(new Error("network")); };
      xhr.send(body === undefined ? null : body);
    });
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function errorText(response, fallback) {
    var error = response && response.data && response.data.error;
    return (error && error.message) || fallback + " (HTTP " + (response ? response.status : "?") + ")";
  }

  function transient(response) {
    return !response || response.status >= 500 || response.status === 408 || response.status === 429;
  }

  function Progress(box, messages) {
    this.bar = box.querySelector(".progress");
    this.msg = box.querySelector(".upload-msg");
    this.messages = messages;
  }
  Progress.prototype.show = function (fraction) {
    var pct = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
    this.bar.hidden = false;
    this.bar.setAttribute("aria-valuenow", String(pct));
    this.bar.querySelector(".bar").style.width = pct + "%";
    this.bar.querySelector(".pct").textContent = pct + "%";
  };
  Progress.prototype.say = function (text, kind) {
    this.msg.textContent = text;
    this.msg.className = "upload-msg" + (kind ? " msg-" + kind : "");
  };

  /* ---- material slots: resumable chunked upload ---- */

  function SlotUploader(root, row) {
    this.root = root;
    this.row = row;
    this.slot = row.dataset.slot;
    this.maxBytes = parseInt(row.dataset.maxBytes, 10);
    this.progress = new Progress(row.querySelector(".uploader"), root.dataset);
  }

  SlotUploader.prototype.statusUrl = function (id) { return this.root.dataset.statusUrl.replace("__ID__", id); };

  SlotUploader.prototype.storageKey = function (file) {
    return ["ow-upload", this.root.dataset.startUrl, this.slot, file.name, file.size, file.lastModified].join("|");
  };

  SlotUploader.prototype.resumeOrStart = async function (file) {
    var key = this.storageKey(file);
    var id = window.localStorage.getItem(key);
    if (id) {
      try {
        var status = await send("GET", this.statusUrl(id));
        if (status.status === 200 && !status.data.complete) {
          if (status.data.offset > 0) this.progress.say(this.root.dataset.msgResumed, "info");
          return { id: id, offset: status.data.offset };
        }
      } catch (e) { /* offline: start over below, or fail there */ }
      window.localStorage.removeItem(key);
    }
    var body = JSON.stringify({ slot: this.slot, filename: file.name, size: file.size });
    var started = await send("POST", this.root.dataset.startUrl, body, { "Content-Type": "application/json" });
    if (started.status !== 201) throw new Error(errorText(started, this.root.dataset.msgFailed));
    window.localStorage.setItem(key, started.data.upload_id);
    return { id: started.data.upload_id, offset: started.data.offset };
  };

  SlotUploader.prototype.upload = async function (file) {
    var self = this;
    if (file.size > this.maxBytes) {
      this.progress.say(this.root.dataset.msgTooBig + " (" + Math.round(this.maxBytes / 1048576) + " MB)", "error");
      return;
    }
    this.row.classList.add("uploading");
    this.progress.show(0);
    this.progress.say(this.root.dataset.msgUploading + "…", "info");
    var state, wait = 1000, offset;
    try {
      state = await this.resumeOrStart(file);
    } catch (e) {
      this.fail(e.message);
      return;
    }
    offset = state.offset;
    this.progress.show(offset / file.size);
    for (;;) {
      var end = Math.min(offset + CHUNK, file.size), response = null;
      try {
        response = await send("PATCH", this.statusUrl(state.id), file.slice(offset, end),
          { "Upload-Offset": String(offset), "Content-Type": "application/octet-stream" },
          function (loaded) { self.progress.show((offset + loaded) / file.size); });
      } catch (e) { response = null; }
      if (response && response.status === 201) return this.done(file, response.data, state.id);
      if (response && response.status === 200) {
        offset = response.data.offset;
        wait = 1000;
        this.progress.show(offset / file.size);
        continue;
      }
      if (response && response.status !== 409 && !transient(response)) {
        window.localStorage.removeItem(this.storageKey(file));
        return this.fail(errorText(response, this.root.dataset.msgFailed));
      }
      /* Dropped, timed out, busy, or out of step (409): ask the server where to go on from. */
      if (!response || response.status !== 409) {
        this.progress.say(this.root.dataset.msgRetry, "warn");
        await sleep(wait);
        wait = Math.min(wait * 2, MAX_WAIT);
      }
      try {
        var status = await send("GET", this.statusUrl(state.id));
        if (status.status === 200) {
          if (status.data.complete) return this.done(file, status.data, state.id);
          offset = status.data.offset;
          this.progress.say(this.root.dataset.msgUploading + "…", "info");
        } else if (!transient(status)) {
          return this.fail(errorText(status, this.root.dataset.msgFailed));
        }
      } catch (e) { /* still offline: the next round waits longer */ }
    }
  };

  SlotUploader.prototype.done = function (file, data, id) {
    window.localStorage.removeItem(this.storageKey(file));
    this.progress.show(1);
    this.row.classList.remove("uploading", "needs-fix");
    this.row.classList.add("has-file", "uploaded");
    this.progress.say(this.root.dataset.msgDone + "：" + file.name, "ok");
    var label = this.row.querySelector(".file-btn span");
    if ("once" in this.root.dataset) {
      this.row.querySelector(".file-btn").hidden = true; /* a deferred material is delivered once */
    } else if (label && this.root.dataset.msgAgain) {
      label.textContent = this.root.dataset.msgAgain;
    }
    var box = this.row.querySelector(".slot-file");
    if (box && data.file_id) {
      var img = document.createElement("img");
      img.className = "thumb";
      img.alt = "";
      img.width = 60;
      img.height = 80;
      img.src = this.root.dataset.previewUrl.replace("__ID__", data.file_id);
      var name = document.createElement("p");
      name.className = "file-line";
      name.textContent = file.name;
      var card = document.createElement("div");
      card.className = "file-card";
      card.appendChild(img);
      card.appendChild(name);
      box.replaceChildren(card);
    }
    document.querySelectorAll('[data-missing-slot="' + this.slot + '"]').forEach(function (el) { el.remove(); });
    this.row.dispatchEvent(new CustomEvent("ow:uploaded", { bubbles: true, detail: { slot: this.slot, id: id } }));
  };

  SlotUploader.prototype.fail = function (message) {
    this.row.classList.remove("uploading");
    this.progress.say(message, "error");
  };

  document.querySelectorAll("[data-uploads]").forEach(function (root) {
    root.querySelectorAll("li[data-slot]").forEach(function (row) {
      var input = row.querySelector("input[data-upload-input]");
      if (!input) return;
      var uploader = new SlotUploader(root, row);
      input.addEventListener("change", function () {
        if (input.files && input.files[0]) uploader.upload(input.files[0]);
      });
    });
  });

  /* ---- result documents: one request, with a progress bar ---- */

  document.querySelectorAll("form[data-result-upload]").forEach(function (form) {
    var progress = new Progress(form, form.dataset);
    form.addEventListener("submit", async function (event) {
      var file = form.querySelector('input[type="file"]').files[0];
      var name = form.querySelector('input[name="name"]').value.trim();
      if (!file || !name) return; /* let the browser's own validation speak */
      event.preventDefault();
      var button = form.querySelector("button");
      button.disabled = true;
      progress.show(0);
      try {
        var licence = new URLSearchParams();
        ["licence_type", "licence_number", "valid_until"].forEach(function (field) {
          var input = form.querySelector('[name="' + field + '"]');
          if (input && input.value.trim()) licence.append(field, input.value.trim());
        });
        var target = form.action + (licence.toString() ? "?" + licence.toString() : "");
        var response = await send("PUT", target, file, {
          "Content-Type": file.type || "application/octet-stream",
          "X-Filename": encodeURIComponent(file.name),
          "X-Result-Name": encodeURIComponent(name)
        }, function (loaded) { progress.show(loaded / file.size); });
        if (response.status === 201) {
          progress.show(1);
          progress.say(form.dataset.msgDone + "：" + name, "ok");
          window.setTimeout(function () { window.location.reload(); }, 400);
          return;
        }
        progress.say(errorText(response, form.dataset.msgFailed), "error");
      } catch (e) {
        progress.say(form.dataset.msgFailed, "error");
      }
      button.disabled = false;
    });
  });
})();
