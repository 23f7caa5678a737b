/* Mängelmelder Sachsen – shared by the page forms (report, permit, parking permit): the server's messages
   beside the fields and in the error summary, in the same markup the server renders without JavaScript,
   and posting a form for a JSON answer ({"redirect": url} or {"errors": {field: [messages]}}). */
(function () {
  "use strict";

  var MM = (window.MM = window.MM || {});

  /* A coordinate for a form field the way its hint writes it (51,050400): decimal comma, 6 places. */
  MM.coordText = function (value) {
    return value.toFixed(6).replace(".", ",");
  };

  MM.csrfToken = function (form) {
    return form.elements.csrfmiddlewaretoken ? form.elements.csrfmiddlewaretoken.value : "";
  };

  /* Error display for ``form`` with its summary box: clear(names?) and show(errors, {summary}). A
     message box is ``[data-errors-for=name]``; ``data-errors-field`` names the id of the control it
     belongs to when that is no control of the form (the parking form's place search), and
     ``data-cleared-by`` the other fields whose change makes it stale. When the person changes a field,
     its message and its summary entry go (the server's rendering too): no stale errors. */
  MM.formErrors = function (form, summary) {
    var list = summary.querySelector("ul");

    function fieldOf(box, name) {
      var id = box && box.getAttribute("data-errors-field");
      return id ? document.getElementById(id) : form.elements[name];
    }

    /* Drop the summary entries that link to ``field``; hide the summary once it is empty. */
    function dropFromSummary(field) {
      if (field && field.id) {
        Array.prototype.forEach.call(list.querySelectorAll("a"), function (a) {
          if (a.getAttribute("href") === "#" + field.id) list.removeChild(a.closest("li"));
        });
      }
      if (!list.children.length) summary.hidden = true;
    }

    function clearField(box) {
      // the ids of the lists going away: ours (field id + "_error") or the server's (e.g. id_location_error)
      var gone = Array.prototype.map.call(box.querySelectorAll("[id]"), function (node) { return node.id; });
      box.innerHTML = "";
      var field = fieldOf(box, box.getAttribute("data-errors-for"));
      dropFromSummary(field);
      if (field && field.removeAttribute) {
        field.removeAttribute("aria-invalid");
        var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
          return id && id !== field.id + "_error" && gone.indexOf(id) < 0;
        });
        if (ids.length) field.setAttribute("aria-describedby", ids.join(" ")); else field.removeAttribute("aria-describedby");
      }
      box.parentNode.classList.remove("field--error");
    }

    /* Clear the messages of ``names`` and their summary entries (all of them when omitted). */
    function clear(names) {
      Array.prototype.forEach.call(form.querySelectorAll("[data-errors-for]"), function (box) {
        if (!names || names.indexOf(box.getAttribute("data-errors-for")) >= 0) clearField(box);
      });
      if (!names) {
        list.innerHTML = "";
        summary.hidden = true;
      }
    }

    /* The person changed field ``name``: its messages are stale, and those of boxes it clears. */
    function changed(name) {
      Array.prototype.forEach.call(form.querySelectorAll("[data-errors-for]"), function (box) {
        var by = (box.getAttribute("data-cleared-by") || "").split(" ");
        if (box.firstChild && (box.getAttribute("data-errors-for") === name || by.indexOf(name) >= 0)) clearField(box);
      });
    }

    function onEdit(e) {
      if (e.target && e.target.name && e.target.type !== "hidden") changed(e.target.name);
    }
    form.addEventListener("input", onEdit);
    form.addEventListener("change", onEdit);

    function labelText(field) {
      var label = form.querySelector('label[for="' + field.id + '"]');
      return label ? label.textContent + ": " : "";
    }

    function besideField(box, field, messages) {
      // A newer answer replaces the field's messages: two answers in flight (a live check and the submit)
      // each clear before they ask, so without this both lists would stand, with one id twice.
      if (box.firstChild) clearField(box);
      var ul = document.createElement("ul");
      ul.className = "errorlist";
      ul.id = field.id + "_error";
      messages.forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        ul.appendChild(li);
      });
      box.appendChild(ul);
      box.parentNode.classList.add("field--error");
      field.setAttribute("aria-invalid", "true");
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      described.push(ul.id);
      field.setAttribute("aria-describedby", described.join(" "));
    }

    /* Messages beside their fields; with ``options.summary`` (default) also listed in the summary, which
       then takes the focus. Live checks pass {summary: false} so typing is never interrupted. */
    function show(errors, options) {
      var withSummary = !options || options.summary !== false;
      Object.keys(errors).forEach(function (name) {
        var messages = errors[name];
        var box = form.querySelector('[data-errors-for="' + name + '"]');
        var field = fieldOf(box, name);
        if (box && field && field.id) besideField(box, field, messages);
        if (!withSummary) return;
        messages.forEach(function (message) {
          var li = document.createElement("li");
          if (box && field && field.id) {
            var a = document.createElement("a");
            a.href = "#" + field.id;
            a.textContent = labelText(field) + message;
            li.appendChild(a);
          } else {
            li.textContent = message;
          }
          list.appendChild(li);
        });
      });
      if (withSummary) {
        summary.hidden = false;
        summary.focus();
      }
    }

    summary.addEventListener("click", function (e) {
      var link = e.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) { e.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
    });

    return { clear: clear, show: show, changed: changed };
  };

  /* POST ``form`` (or the FormData that ``options.data`` resolves to) asking for JSON; follow the redirect
     the server sends on success, else show its messages. ``options``: errors (MM.formErrors), button,
     texts {sending, sendFailed}; onOffline(data) when the request could not leave the device, onSent()
     (may return a promise) before following the redirect. */
  MM.postForm = function (form, options) {
    var button = options.button;
    var label = button.textContent;
    var texts = options.texts;
    options.errors.clear();
    button.disabled = true;
    button.textContent = texts.sending;

    function restore() {
      button.disabled = false;
      button.textContent = label;
    }

    Promise.resolve(options.data || new FormData(form)).then(function (data) {
      // the attribute, not form.action: a control named "action" (the permit form's buttons) shadows it
      return fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": MM.csrfToken(form) }
      }).catch(function (e) { e.unsent = data; throw e; }); // no connection: the caller may keep it
    }).then(function (r) {
      return r.json().then(function (body) { return { status: r.status, body: body }; });
    }).then(function (res) {
      var key = form.elements.idempotency_key;
      if (key && res.body.idempotency_key) key.value = res.body.idempotency_key; // 409: a fresh one
      if (res.body.redirect) {
        Promise.resolve(options.onSent && options.onSent()).then(function () { window.location.assign(res.body.redirect); });
        return;
      }
      restore();
      options.errors.show(res.body.errors || { __all__: [res.body.detail || texts.sendFailed] });
    }).catch(function (e) {
      restore();
      if (e && e.unsent && options.onOffline) options.onOffline(e.unsent);
      else options.errors.show({ __all__: [texts.sendFailed] });
    });
  };
})();
