// Scorecard autosave: saves the draft as the interviewer types, never throws their text away.
// A save carries the version it was read at; a 409 means someone else saved first, and the
// interviewer chooses to keep their text (save over) or load the saved version (theirs stays on screen).
(() => {
  "use strict";
  const form = document.getElementById("scorecard-form");
  if (!form) return;
  const api = form.dataset.api;
  const submitUrl = form.dataset.submit;
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const state = document.getElementById("save-state");
  const conflict = document.getElementById("conflict");
  const problems = document.getElementById("problems");
  let version = Number(form.dataset.version);
  let dirty = false;
  let saving = null;
  let timer = null;
  let conflictVersion = null;

  const say = (text) => { state.textContent = text; };

  function collect() {
    const data = { value_ratings: [], criterion_ratings: [], red_flags: [] };
    const values = new Set([...form.querySelectorAll("input[name^='rating-']")].map((el) => el.name.slice(7)));
    for (const slug of values) {
      const chosen = form.querySelector(`input[name='rating-${slug}']:checked`);
      const evidence = form.querySelector(`[name='evidence-${slug}']`).value;
      if (chosen && chosen.value === "na") data.value_ratings.push({ value: slug, rating: null, evidence });
      else if (chosen) data.value_ratings.push({ value: slug, rating: Number(chosen.value), evidence });
      else if (evidence.trim()) data.value_ratings.push({ value: slug, evidence });
    }
    for (const select of form.querySelectorAll("select[name^='crit-rating-']")) {
      const id = select.name.slice(12);
      const notes = form.querySelector(`[name='crit-notes-${id}']`).value;
      if (select.value || notes.trim()) {
        data.criterion_ratings.push({ criterion: Number(id), rating: select.value ? Number(select.value) : null, notes });
      }
    }
    for (const box of form.querySelectorAll("input[name^='flag-']:not([name^='flag-note-'])")) {
      const id = box.name.slice(5);
      if (box.checked) data.red_flags.push({ failure_mode: Number(id), note: form.querySelector(`[name='flag-note-${id}']`).value });
    }
    const recommendation = form.querySelector("input[name=recommendation]:checked");
    const keeper = form.querySelector("input[name=keeper]:checked");
    data.recommendation = recommendation ? recommendation.value : "";
    data.keeper = keeper ? keeper.value : "";
    data.summary = form.querySelector("[name=summary]").value;
    return data;
  }

  function fill(card) {
    for (const radio of form.querySelectorAll("input[name^='rating-']")) radio.checked = false;
    for (const area of form.querySelectorAll("textarea[name^='evidence-']")) area.value = "";
    for (const row of card.value_ratings) {
      const choice = row.pending ? null : row.rating === null ? "na" : String(row.rating);
      const radio = choice && form.querySelector(`input[name='rating-${row.value}'][value='${choice}']`);
      if (radio) radio.checked = true;
      const area = form.querySelector(`[name='evidence-${row.value}']`);
      if (area) area.value = row.evidence;
    }
    for (const select of form.querySelectorAll("select[name^='crit-rating-']")) select.value = "";
    for (const input of form.querySelectorAll("input[name^='crit-notes-']")) input.value = "";
    for (const row of card.criterion_ratings) {
      const select = form.querySelector(`[name='crit-rating-${row.criterion}']`);
      if (select) select.value = row.rating === null ? "" : String(row.rating);
      const notes = form.querySelector(`[name='crit-notes-${row.criterion}']`);
      if (notes) notes.value = row.notes;
    }
    for (const box of form.querySelectorAll("input[name^='flag-']:not([name^='flag-note-'])")) box.checked = false;
    for (const note of form.querySelectorAll("input[name^='flag-note-']")) note.value = "";
    for (const flag of card.red_flags) {
      const box = form.querySelector(`[name='flag-${flag.failure_mode}']`);
      if (box) box.checked = true;
      const note = form.querySelector(`[name='flag-note-${flag.failure_mode}']`);
      if (note) note.value = flag.note;
    }
    for (const name of ["recommendation", "keeper"]) {
      for (const radio of form.querySelectorAll(`input[name=${name}]`)) radio.checked = radio.value === card[name];
    }
    form.querySelector("[name=summary]").value = card.summary;
  }

  async function request(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let payload = {};
    try { payload = await response.json(); } catch (error) { payload = {}; }
    return { status: response.status, body: payload };
  }

  function showConflict(current) {
    conflictVersion = current;
    document.getElementById("conflict-version").textContent = String(current);
    conflict.hidden = false;
    say("Not saved: someone else saved first.");
  }

  async function save() {
    if (saving) { await saving; if (!dirty) return true; }
    if (conflictVersion !== null) return false;
    clearTimeout(timer);
    dirty = false;
    say("Saving…");
    saving = request("PATCH", api, { version, ...collect() });
    const { status, body } = await saving;
    saving = null;
    if (status === 200) {
      version = body.version;
      say(`Saved at ${new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}.`);
      return true;
    }
    dirty = true;
    if (status === 409 && body.current_version) { showConflict(body.current_version); return false; }
    if (status === 409) { say(body.detail || "This scorecard can no longer be edited; reload the page."); return false; }
    if (status === 400) { showFieldErrors(body); say("Not saved: some entries need fixing."); return false; }
    say("Not saved: the server did not answer. Your text is kept; it will be saved with your next change.");
    return false;
  }

  function schedule() {
    dirty = true;
    problems.hidden = true;
    say("Unsaved changes…");
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  function clearErrors() {
    for (const old of form.querySelectorAll(".field-error")) old.remove();
    document.getElementById("problem-list").replaceChildren();
  }

  function addError(field, message) {
    const item = document.createElement("li");
    item.textContent = message;
    document.getElementById("problem-list").append(item);
    const target = form.querySelector(`[data-field='${CSS.escape(field)}']`)
      || form.querySelector(`[data-field='${CSS.escape(field.split(".").slice(0, 2).join("."))}']`);
    if (target) {
      const note = document.createElement("p");
      note.className = "field-error";
      note.textContent = message;
      target.insertAdjacentElement(target.tagName === "DIV" || target.tagName === "FIELDSET" ? "beforeend" : "afterend", note);
    }
  }

  function showFieldErrors(body) {
    clearErrors();
    for (const [field, messages] of Object.entries(body)) {
      for (const message of [].concat(messages)) addError(field, typeof message === "string" ? message : JSON.stringify(message));
    }
    problems.hidden = false;
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);

  document.getElementById("keep-mine").addEventListener("click", async () => {
    version = conflictVersion;
    conflictVersion = null;
    conflict.hidden = true;
    dirty = true;
    await save();
  });

  document.getElementById("load-theirs").addEventListener("click", async () => {
    const mine = collect();
    const { status, body } = await request("GET", api);
    if (status !== 200) { say("Could not load the saved version."); return; }
    const lines = mine.value_ratings.map((r) => `${r.value}: ${r.rating ?? (r.pending ? "" : "not assessed")} ${r.evidence}`);
    lines.push(`Summary: ${mine.summary}`);
    document.getElementById("my-copy-text").textContent = lines.join("\n");
    document.getElementById("my-copy").hidden = false;
    document.getElementById("my-copy").open = true;
    fill(body);
    version = body.version;
    conflictVersion = null;
    dirty = false;
    for (const button of conflict.querySelectorAll("button")) button.hidden = true;
    say(`Loaded version ${version}. Your unsaved text is shown above.`);
  });

  document.getElementById("submit-scorecard").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      if (dirty && !(await save())) return;
      const { status, body } = await request("POST", submitUrl, { version });
      if (status === 200) { window.location.reload(); return; }
      if (status === 400 && body.problems) {
        clearErrors();
        for (const problem of body.problems) addError(problem.field, problem.message);
        problems.hidden = false;
        problems.scrollIntoView({ block: "start" });
        say("Not submitted: see the problems listed.");
      } else if (status === 409 && body.current_version) {
        showConflict(body.current_version);
      } else {
        say(body.detail || "Not submitted.");
      }
    } finally {
      button.disabled = false;
    }
  });

  window.addEventListener("beforeunload", (event) => { if (dirty) event.preventDefault(); });
})();
