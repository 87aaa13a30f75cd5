// Working without a signal (core/offline.py): the service worker keeps pages for reading; this
// script keeps what is written offline (a visit, a diary entry or its changes, a new problem, a
// problem's changes; a visit's or a diary entry's photo made smaller) in IndexedDB under a key
// made here, and sends it through the API when the connection returns, with that key as the
// Idempotency-Key, so that sending twice never records twice.
// What waits or failed is listed on every page until it is sent or the user discards it.
// On a weak signal the phone believes it is online: a new visit, diary entry or problem is sent
// as the form it is, carrying its key (`offline_key`), and kept here as "sending" meanwhile. The
// service worker forgets it when the server answers, or makes it "waiting" when the sending
// fails or hangs; the server records the key with what the form made, so that the API's sending
// under the same key gets that record instead of making a second one.
// Text from users and from the server reaches the page only as textContent.
(function () {
  "use strict";
  var wordsElement = document.getElementById("offline-words");
  if (!wordsElement || !window.indexedDB) return;
  var WORDS = JSON.parse(wordsElement.textContent);
  var body = document.body;
  var USER = body.getAttribute("data-user");
  // The fields an edit form sends as changed (a PATCH through the API), by the form's kind.
  var PATCHABLE = {
    "problem-edit": [
      "title",
      "raised_by",
      "category",
      "urgency",
      "solvable",
      "description",
      "subjective_causes",
      "objective_causes",
      "owner",
      "due_on",
      "households",
      "persons",
    ],
    "diary-edit": ["presence", "reason", "work_done"],
  };
  // The fields that hold a list of ids: sent whole when changed, compared as sets.
  var LISTS = ["households", "persons"];
  // The fields that hold an id: sent as a number, or null for none.
  var IDS = ["owner"];

  function isEdit(kind) {
    return Object.prototype.hasOwnProperty.call(PATCHABLE, kind);
  }
  var PHOTO_SIDE = 1600;
  // The hidden field of a form sent with its key, and the mark of the page the service worker
  // shows when that sending failed (core/offline.py, core/offline/sw.js).
  var KEY_FIELD = "offline_key";
  var QUEUED_MARK = "#offline-queued";
  // A "sending" kept longer than this was never settled by the service worker (none controlled
  // the page, or the phone was switched off): it waits, to be sent under its key.
  var SENDING_STALE_MS = 2 * 60 * 1000;
  var SENT_AS_FORM = ["visit", "diary", "problem"];

  function format(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_match, name) {
      return String(values[name]);
    });
  }

  function element(tag, attributes, text) {
    var made = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      made.setAttribute(name, attributes[name]);
    });
    if (text !== undefined) made.textContent = text;
    return made;
  }

  function csrfToken() {
    var cookie = document.cookie.split("; ").find(function (part) {
      return part.indexOf("csrftoken=") === 0;
    });
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  }

  // The queue, in IndexedDB.
  var connection = null;

  function database() {
    if (!connection) {
      connection = new Promise(function (resolve, reject) {
        var request = indexedDB.open("villagedesk-offline", 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore("queue", { keyPath: "id" });
        };
        request.onsuccess = function () {
          resolve(request.result);
        };
        request.onerror = function () {
          reject(request.error);
        };
      });
    }
    return connection;
  }

  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function store(mode) {
    return database().then(function (db) {
      return db.transaction("queue", mode).objectStore("queue");
    });
  }

  function items() {
    return store("readonly")
      .then(function (queue) {
        return done(queue.getAll());
      })
      .then(function (all) {
        return all
          .filter(function (item) {
            return item.user === USER;
          })
          .sort(function (a, b) {
            return a.created - b.created;
          });
      });
  }

  function itemSave(item) {
    return store("readwrite").then(function (queue) {
      return done(queue.put(item));
    });
  }

  function itemDrop(id) {
    return store("readwrite").then(function (queue) {
      return done(queue.delete(id));
    });
  }

  // A form as it was filled in, and what it asks of the API.
  function entries(form) {
    var found = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "form_token" || name === KEY_FIELD || value instanceof File) return;
      (found[name] = found[name] || []).push(String(value));
    });
    return found;
  }

  function one(values, name) {
    return (values[name] || [""])[0];
  }

  function numberOrNull(text) {
    return text ? Number(text) : null;
  }

  function numbers(values, name) {
    return (values[name] || []).map(Number);
  }

  function isList(name) {
    return LISTS.indexOf(name) !== -1;
  }

  // A field's value as one text to compare: a list's values in order, so that lists compare as
  // sets; nothing (null, missing) as the empty text.
  function comparable(name, value) {
    if (isList(name) || Array.isArray(value)) return (value || []).map(String).sort().join(",");
    return value === null || value === undefined ? "" : String(value);
  }

  // What the API takes for a field, as the form holds it.
  function sent(values, name) {
    if (isList(name)) return numbers(values, name);
    if (IDS.indexOf(name) !== -1) return numberOrNull(one(values, name));
    if (name === "due_on") return one(values, name) || null;
    return one(values, name);
  }

  var REQUESTS = {
    visit: function (values) {
      return {
        household: numberOrNull(one(values, "household")),
        persons: numbers(values, "persons"),
        visited_on: one(values, "visited_on") || null,
        kind: one(values, "kind") || "home",
        topics: values.topics || [],
        place: one(values, "place"),
        companions: one(values, "companions"),
        said: one(values, "said"),
        opinions: one(values, "opinions"),
        follow_up: one(values, "follow_up"),
        follow_up_due: one(values, "follow_up_due") || null,
      };
    },
    diary: function (values, form) {
      return {
        village: one(values, "village"),
        day: form.getAttribute("data-day"),
        presence: one(values, "presence") || "in_village",
        reason: one(values, "reason"),
        work_done: one(values, "work_done"),
        latitude: one(values, "latitude") || null,
        longitude: one(values, "longitude") || null,
      };
    },
    problem: function (values) {
      return {
        village: one(values, "village"),
        title: one(values, "title"),
        description: one(values, "description"),
        raised_by: one(values, "raised_by"),
        category: one(values, "category"),
        urgency: one(values, "urgency") || "normal",
        solvable: one(values, "solvable") || "locally",
        subjective_causes: one(values, "subjective_causes"),
        objective_causes: one(values, "objective_causes"),
        owner: numberOrNull(one(values, "owner")),
        due_on: one(values, "due_on") || null,
        households: numbers(values, "households"),
        persons: numbers(values, "persons"),
      };
    },
    "problem-edit": changed,
    "diary-edit": changed,
  };

  // Only the fields changed since the page was loaded, with the version it showed.
  function changed(values, form) {
    var base = form.offlineBase || {};
    var changes = { version: Number(one(values, "version")) };
    PATCHABLE[form.getAttribute("data-offline")].forEach(function (name) {
      if (comparable(name, values[name]) !== comparable(name, base[name])) {
        changes[name] = sent(values, name);
      }
    });
    return changes;
  }

  // The fields changed since the page was loaded that the queue cannot send (a PATCH takes only
  // the PATCHABLE ones): the user is told, rather than losing them unseen.
  function unsendable(form) {
    var values = entries(form);
    var base = form.offlineBase || {};
    var patchable = PATCHABLE[form.getAttribute("data-offline")];
    var names = Object.keys(values).concat(Object.keys(base));
    return names.filter(function (name, index) {
      return (
        names.indexOf(name) === index &&
        name !== "version" &&
        patchable.indexOf(name) === -1 &&
        comparable(name, values[name]) !== comparable(name, base[name])
      );
    });
  }

  // A field's radios or checkboxes, if it is shown as choices.
  function choicesOf(form, name) {
    var named = '[name="' + name + '"]';
    return form.querySelectorAll('input[type="radio"]' + named + ', input[type="checkbox"]' + named);
  }

  // The words the form shows for a field: its label, the legend of its group of radios or
  // checkboxes, the legend of the part of the form a field without a label is in, else its name.
  function labelOf(form, name) {
    var choices = choicesOf(form, name);
    var label = form.querySelector('label[for="id_' + name + '"]');
    if (choices.length > 1 || (choices.length && !label)) {
      var group = choices[0].closest(".field, fieldset");
      label = group ? group.querySelector("legend, label") : null;
    }
    var field = form.querySelector('[name="' + name + '"]');
    var part = field ? field.closest("fieldset") : null;
    if (!label && part) label = part.querySelector("legend");
    return label ? label.textContent.trim().replace(/[:：]$/, "") : name;
  }

  // A field's label and its choices' words; a group of radios is labelled by its field's label.
  function labelsOf(form) {
    var labels = {};
    var options = {};
    PATCHABLE[form.getAttribute("data-offline")].forEach(function (name) {
      labels[name] = labelOf(form, name);
      var select = form.querySelector('select[name="' + name + '"]');
      if (select) {
        options[name] = {};
        Array.prototype.forEach.call(select.options, function (option) {
          if (option.value) options[name][option.value] = option.textContent.trim();
        });
      }
      var choices = choicesOf(form, name);
      if (choices.length) {
        options[name] = {};
        Array.prototype.forEach.call(choices, function (choice) {
          var label = choice.closest("label");
          options[name][choice.value] = label ? label.textContent.trim() : choice.value;
        });
      }
    });
    return { labels: labels, options: options };
  }

  // A photo made smaller on the phone before it waits: a JPEG of at most 1600 px a side.
  function resized(file) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(resolve, "image/jpeg", 0.85);
      });
    });
  }

  function notice(text, tags) {
    var main = document.querySelector("main");
    var list = main.querySelector(".messages");
    if (!list) {
      list = element("ul", { class: "messages", role: "status" });
      main.insertBefore(list, main.firstChild);
    }
    list.appendChild(element("li", { class: tags || "warning" }, text));
    window.scrollTo(0, 0);
  }

  // What the form asks, to be kept on the phone in `state`, with its photo made smaller.
  function itemOf(form, state) {
    var kind = form.getAttribute("data-offline");
    var values = entries(form);
    var heading = document.querySelector("h1");
    var item = {
      id: form.getAttribute("data-queued-id") || crypto.randomUUID(),
      user: USER,
      kind: kind,
      created: Date.now(),
      state: state,
      reason: "",
      label: (heading ? heading.textContent.trim() : document.title) + " · " + now(),
      page: location.pathname + location.search,
      url: form.getAttribute("data-offline-api"),
      method: isEdit(kind) ? "PATCH" : "POST",
      photo_url: form.getAttribute("data-offline-photo") || "",
      entries: values,
      body: REQUESTS[kind](values, form),
    };
    if (isEdit(kind)) {
      item.base = form.offlineBase;
      item.fields = labelsOf(form);
    }
    var file = form.querySelector('input[type="file"]');
    var photo =
      file && file.files && file.files[0] && item.photo_url
        ? resized(file.files[0])
        : Promise.resolve(null);
    return photo.then(function (blob) {
      if (blob) item.photo = blob;
      return item;
    });
  }

  function queueForm(form) {
    var kind = form.getAttribute("data-offline");
    var file = form.querySelector('input[type="file"]');
    var photo = file && file.files && file.files[0];
    var kept = isEdit(kind) ? unsendable(form) : [];
    if (kept.length) {
      var names = kept.map(function (name) {
        return labelOf(form, name);
      });
      var once = names.filter(function (name, index) {
        return names.indexOf(name) === index;
      });
      notice(format(WORDS.needs_connection, { fields: once.join(", ") }));
    }
    if (isEdit(kind) && !photo && Object.keys(REQUESTS[kind](entries(form), form)).length === 1) {
      if (!kept.length) notice(WORDS.no_change);
      return Promise.resolve();
    }
    return itemOf(form, "waiting")
      .then(itemSave)
      .then(function () {
        form.reset();
        form.removeAttribute("data-queued-id");
        if (location.hash.indexOf("#queued-") === 0) history.replaceState(null, "", location.pathname + location.search);
        notice(WORDS.queued);
        render();
        if (navigator.onLine) sync();
      });
  }

  // Sent online as the form it is: kept first as "sending" under the key the form carries, so
  // that a sending lost on the way is not lost. Whatever fails here, the form is still sent.
  function sendAsForm(form, submitter) {
    var field = form.querySelector('input[name="' + KEY_FIELD + '"]');
    if (!field) {
      field = element("input", { type: "hidden", name: KEY_FIELD });
      form.appendChild(field);
    }
    return itemOf(form, "sending")
      .then(function (item) {
        item.sent = Date.now();
        field.value = item.id;
        return itemSave(item);
      })
      .catch(function () {
        field.value = "";
      })
      .then(function () {
        form.setAttribute("data-offline-sending", "");
        form.requestSubmit(submitter || undefined);
      });
  }

  // What the server answered, or no one settled: a "sending" shown again with its form's errors
  // is forgotten (the form shows it); one kept too long waits to be sent through the API.
  function sendingSettle() {
    var answered = document.querySelector("form[data-offline] input[name=\"" + KEY_FIELD + "\"]");
    var answeredKey = answered ? answered.value : "";
    return items().then(function (list) {
      return Promise.all(
        list
          .filter(function (item) {
            return item.state === "sending";
          })
          .map(function (item) {
            if (item.id === answeredKey) return itemDrop(item.id);
            if (Date.now() - item.sent < SENDING_STALE_MS) return null;
            item.state = "waiting";
            return itemSave(item);
          })
      );
    });
  }

  function unsent(list) {
    return list.filter(function (item) {
      return item.state !== "sending";
    });
  }

  function now() {
    var at = new Date();
    var pad = function (n) {
      return String(n).padStart(2, "0");
    };
    return at.getFullYear() + "-" + pad(at.getMonth() + 1) + "-" + pad(at.getDate()) + " " + pad(at.getHours()) + ":" + pad(at.getMinutes());
  }

  // Sending.
  var syncing = false;

  function detailsText(details) {
    if (!details) return [];
    if (Array.isArray(details)) {
      return details.map(function (detail) {
        return typeof detail === "string" ? detail : detail.msg || "";
      });
    }
    return Object.keys(details).reduce(function (texts, field) {
      var value = details[field];
      return texts.concat(Array.isArray(value) ? value : []);
    }, []);
  }

  function reasonOf(status, answer) {
    var texts = [answer.message || WORDS.refused].concat(detailsText(answer.details));
    if (status === 404) texts.unshift(WORDS.gone);
    return texts.filter(Boolean).join(" ");
  }

  function photoSend(item, record) {
    var form = new FormData();
    form.append("file", item.photo, "photo.jpg");
    return fetch(item.photo_url.replace("/0/", "/" + record.id + "/"), {
      method: "POST",
      credentials: "same-origin",
      // Under the item's key: a diary photo sent again (its answer lost) is not added twice.
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json", "Idempotency-Key": item.id },
      body: form,
    });
  }

  function send(item) {
    var headers = {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-CSRFToken": csrfToken(),
      "Idempotency-Key": item.id,
    };
    return fetch(item.url, {
      method: item.method,
      credentials: "same-origin",
      headers: headers,
      body: JSON.stringify(item.body),
    }).then(
      function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (answer) {
            return settle(item, response.status, answer);
          });
      },
      function () {
        return "stop";
      }
    );
  }

  function settle(item, status, answer) {
    if (status === 200 || status === 201) {
      var photo = item.photo ? photoSend(item, answer) : Promise.resolve({ ok: true });
      return photo.then(
        function (response) {
          if (!response.ok) return "stop";
          return itemDrop(item.id).then(function () {
            return "next";
          });
        },
        function () {
          return "stop";
        }
      );
    }
    if (status === 401 || (status === 403 && answer.code === "csrf_failed")) {
      status_show(WORDS.login);
      return "stop";
    }
    if (status === 429 || status >= 500 || !answer.code) return "stop";
    if (status === 409 && answer.details && answer.details.current) {
      item.state = "conflict";
      item.current = answer.details.current;
      item.reason = "";
    } else {
      item.state = "failed";
      item.reason = reasonOf(status, answer);
    }
    return itemSave(item).then(function () {
      return "next";
    });
  }

  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    body.setAttribute("data-offline-sync", "running");
    return items()
      .then(function (list) {
        var waiting = list.filter(function (item) {
          return item.state === "waiting";
        });
        return waiting.reduce(function (previous, item) {
          return previous.then(function (outcome) {
            return outcome === "stop" ? "stop" : send(item);
          });
        }, Promise.resolve("next"));
      })
      .catch(function () {
        return "stop";
      })
      .then(function () {
        syncing = false;
        body.setAttribute("data-offline-sync", "done");
        return render();
      });
  }

  // What is shown on every page.
  function status_show(text) {
    var line = document.getElementById("offline-status");
    if (!line) return;
    line.textContent = text;
    line.hidden = !text;
  }

  // A value as the form showed it: a choice's words, a list's words one after another.
  function shown(item, name, value) {
    var options = (item.fields.options || {})[name] || {};
    var texts = (Array.isArray(value) ? value : [value])
      .map(function (each) {
        var text = each === null || each === undefined ? "" : String(each);
        return options[text] || text;
      })
      .filter(Boolean);
    return texts.join(", ") || "—";
  }

  function conflictChoices(item, row) {
    var mine = item.body;
    var current = item.current;
    var base = item.base || {};
    var choices = element("div", { class: "conflict-choices" });
    PATCHABLE[item.kind].forEach(function (name) {
      if (!(name in mine)) return;
      var theirs = comparable(name, current[name]);
      if (theirs === comparable(name, base[name]) || theirs === comparable(name, mine[name])) return;
      var field = element("fieldset");
      field.appendChild(element("legend", {}, (item.fields.labels[name] || name).replace(/[:：]$/, "")));
      ["mine", "theirs"].forEach(function (side) {
        var label = element("label", { class: "choice" });
        var radio = element("input", { type: "radio", name: item.id + "-" + name, value: side });
        radio.checked = side === "mine";
        label.appendChild(radio);
        label.appendChild(element("b", {}, " " + WORDS[side] + ": "));
        label.appendChild(document.createTextNode(shown(item, name, side === "mine" ? mine[name] : current[name])));
        field.appendChild(label);
      });
      choices.appendChild(field);
    });
    row.appendChild(choices);
    var keep = element("button", { type: "button", class: "primary" }, WORDS.keep_choice);
    keep.addEventListener("click", function () {
      var chosen = { version: current.version };
      Object.keys(mine).forEach(function (name) {
        if (name === "version") return;
        var picked = row.querySelector('input[name="' + item.id + "-" + name + '"]:checked');
        if (!picked || picked.value === "mine") chosen[name] = mine[name];
      });
      item.body = chosen;
      item.base = {};
      Object.keys(current).forEach(function (name) {
        var value = current[name];
        item.base[name] = Array.isArray(value) ? value.map(String) : [value === null ? "" : String(value)];
      });
      item.state = "waiting";
      item.reason = "";
      delete item.current;
      itemSave(item).then(sync);
    });
    return keep;
  }

  function rowOf(item) {
    var row = element("li", { class: "queued " + item.state, "data-state": item.state });
    row.appendChild(element("b", {}, item.label));
    row.appendChild(document.createTextNode(" "));
    row.appendChild(element("span", { class: "badge" }, WORDS["state_" + item.state]));
    if (item.photo) row.appendChild(element("span", { class: "muted" }, " · " + WORDS.photo));
    if (item.reason) row.appendChild(element("p", { class: "reason" }, item.reason));
    var actions = element("p", { class: "actions" });
    if (item.state === "conflict") {
      row.appendChild(element("p", {}, WORDS.conflict_intro));
      actions.appendChild(conflictChoices(item, row));
    }
    if (item.state === "failed") {
      var edit = element("a", { class: "button secondary", href: item.page + "#queued-" + item.id }, WORDS.edit);
      actions.appendChild(edit);
    }
    if (item.state === "waiting" && navigator.onLine) {
      var now = element("button", { type: "button", class: "button secondary" }, WORDS.send_now);
      now.addEventListener("click", sync);
      actions.appendChild(now);
    }
    var discard = element("button", { type: "button", class: "button secondary" }, WORDS.discard);
    discard.addEventListener("click", function () {
      if (window.confirm(WORDS.discard_confirm)) itemDrop(item.id).then(render);
    });
    actions.appendChild(discard);
    row.appendChild(actions);
    return row;
  }

  function render() {
    var panel = document.getElementById("offline-queue");
    if (!panel) return Promise.resolve();
    return items().then(function (all) {
      var list = unsent(all);
      panel.hidden = list.length === 0;
      var waiting = list.filter(function (item) {
        return item.state === "waiting";
      }).length;
      var stuck = list.length - waiting;
      var parts = [];
      if (waiting) parts.push(format(WORDS.waiting, { count: waiting }));
      if (stuck) parts.push(format(WORDS.stuck, { count: stuck }));
      panel.querySelector("summary").textContent = parts.join(" · ");
      if (stuck) panel.open = true;
      var rows = panel.querySelector("ul");
      rows.replaceChildren.apply(rows, list.map(rowOf));
      body.setAttribute("data-offline-queued", String(list.length));
    });
  }

  // A failed item opened again in its form: filled in as it was, sent under its own key.
  function refill() {
    if (location.hash.indexOf("#queued-") !== 0) return;
    var id = location.hash.slice("#queued-".length);
    var form = document.querySelector("form[data-offline]");
    if (!form) return;
    items().then(function (list) {
      var item = list.find(function (candidate) {
        return candidate.id === id;
      });
      if (!item) return;
      Object.keys(item.entries).forEach(function (name) {
        var values = item.entries[name];
        Array.prototype.forEach.call(form.querySelectorAll('[name="' + CSS.escape(name) + '"]'), function (field) {
          if (field.type === "checkbox" || field.type === "radio") {
            field.checked = values.indexOf(field.value) !== -1;
          } else if (field.type !== "hidden" && field.type !== "file") {
            field.value = values[0];
          }
        });
      });
      form.setAttribute("data-queued-id", item.id);
      form.scrollIntoView();
    });
  }

  function forget() {
    var closing = connection
      ? connection.then(function (db) {
          db.close();
        })
      : Promise.resolve();
    connection = null;
    return closing
      .then(function () {
        return done(indexedDB.deleteDatabase("villagedesk-offline")).catch(function () {});
      })
      .then(function () {
        return window.caches ? caches.keys() : [];
      })
      .then(function (names) {
        return Promise.all(
          names.map(function (name) {
            return caches.delete(name);
          })
        );
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-logout")) {
      event.preventDefault();
      items()
        .catch(function () {
          return [];
        })
        .then(function (all) {
          var list = unsent(all);
          if (list.length && !window.confirm(format(WORDS.logout_confirm, { count: list.length }))) return;
          forget().then(function () {
            form.submit();
          });
        });
      return;
    }
    if (!form.hasAttribute("data-offline")) return;
    if (navigator.onLine && !form.hasAttribute("data-queued-id")) {
      if (form.hasAttribute("data-offline-sending")) {
        form.removeAttribute("data-offline-sending");
        return;
      }
      if (SENT_AS_FORM.indexOf(form.getAttribute("data-offline")) === -1) return;
      event.preventDefault();
      sendAsForm(form, event.submitter);
      return;
    }
    event.preventDefault();
    queueForm(form);
  });

  document.querySelectorAll('form[data-offline$="-edit"]').forEach(function (form) {
    form.offlineBase = entries(form);
  });

  window.addEventListener("online", function () {
    status_show("");
    sync();
  });
  window.addEventListener("offline", function () {
    status_show(WORDS.offline);
  });
  if (!navigator.onLine) status_show(WORDS.offline);

  // The pages this one names for reading offline, given to the service worker to keep.
  function keepList() {
    var wanted = [];
    document.querySelectorAll("[data-keep-pages], [data-keep-parts]").forEach(function (link) {
      (link.getAttribute("data-keep-pages") || "").split(/\s+/).filter(Boolean).forEach(function (url) {
        wanted.push({ url: url, part: false });
      });
      (link.getAttribute("data-keep-parts") || "").split(/\s+/).filter(Boolean).forEach(function (url) {
        wanted.push({ url: url, part: true });
      });
    });
    return wanted;
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "kept") {
        body.setAttribute("data-offline-kept", String(event.data.kept));
        if (document.querySelector("main [data-keep-pages]")) {
          status_show(format(WORDS.kept, { count: event.data.kept }));
        }
      }
    });
    navigator.serviceWorker.register(body.getAttribute("data-service-worker"), { scope: "/" });
    navigator.serviceWorker.ready.then(function (registration) {
      if (!navigator.onLine || !registration.active) return;
      registration.active.postMessage({ type: "user", user: USER, keep: keepList() });
    });
  }

  window.addEventListener("hashchange", refill);
  refill();
  if (location.hash === QUEUED_MARK) {
    history.replaceState(null, "", location.pathname + location.search);
    notice(WORDS.queued);
  }
  sendingSettle()
    .catch(function () {})
    .then(render)
    .then(sync);
})();
