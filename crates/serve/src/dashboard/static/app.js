// breachwatch dashboard: the little the pages need a script for.
// - A form with data-api posts its fields as JSON to that API route, with
//   the session's CSRF token (the form's hidden csrf_token field) as the
//   X-CSRF-Token header; a job it starts is followed by polling
//   /api/jobs/{id} until it ends.
// - An element with data-live is re-fetched every data-every seconds (the
//   room's countdowns and notification progress, rendered by the server).
// - A scan page's job (data-poll) is polled until it ends, then reloaded.
// - A "sign in required" page sends the browser to the sign-in form.
"use strict";

function say(form, text) {
  const id = form.dataset.status;
  const el = id && document.getElementById(id);
  if (el) el.textContent = text;
}

function counters(progress) {
  return Object.entries(progress || {})
    .filter(([, v]) => typeof v === "number" || typeof v === "boolean")
    .map(([k, v]) => k.replace(/_/g, " ") + " " + v)
    .join(", ");
}

async function refresh(id) {
  const el = document.getElementById(id);
  if (!el || !el.dataset.live) return;
  const res = await fetch(el.dataset.live, { credentials: "same-origin", headers: { Accept: "text/html" } });
  if (res.ok) el.innerHTML = await res.text();
}

async function followJob(jobId, onUpdate) {
  for (;;) {
    const res = await fetch("/api/jobs/" + encodeURIComponent(jobId), { credentials: "same-origin" });
    if (!res.ok) throw new Error("job " + jobId + ": HTTP " + res.status);
    const job = await res.json();
    onUpdate(job);
    if (!["queued", "running"].includes(job.state)) return job;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function submitApi(form) {
  const body = {};
  let csrf = "";
  for (const input of form.querySelectorAll("input[name]")) {
    if (input.name === "csrf_token") csrf = input.value;
    else if (input.type === "checkbox") body[input.name] = input.checked;
    else body[input.name] = input.value;
  }
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  say(form, "Working…");
  try {
    const res = await fetch(form.dataset.api, {
      method: form.dataset.method || "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      say(form, "Refused (" + res.status + "): " + (data.error || res.statusText));
      return;
    }
    const then = form.dataset.then;
    if (then === "reload") return location.reload();
    if (then && data.id) return location.assign(then + encodeURIComponent(data.id));
    if (then) return location.assign(then);
    if (data.id && data.state) {
      const job = await followJob(data.id, (j) => {
        say(form, j.kind + " job " + j.state + (counters(j.progress) ? ": " + counters(j.progress) : ""));
        if (form.dataset.refresh) refresh(form.dataset.refresh);
      });
      say(form, job.kind + " job " + job.state + (counters(job.progress) ? ": " + counters(job.progress) : "") + (job.error ? " — " + job.error : ""));
    } else {
      say(form, "Done" + (counters(data) ? ": " + counters(data) : "."));
    }
    if (form.dataset.refresh) await refresh(form.dataset.refresh);
  } catch (e) {
    say(form, "Failed: " + e.message);
  } finally {
    if (button) button.disabled = false;
  }
}

document.addEventListener("submit", (ev) => {
  const form = ev.target;
  if (form instanceof HTMLFormElement && form.dataset.api) {
    ev.preventDefault();
    submitApi(form);
  }
});

document.addEventListener("DOMContentLoaded", () => {
  const go = document.querySelector("[data-go]");
  if (go) location.replace(go.dataset.go);

  for (const el of document.querySelectorAll("[data-live]")) {
    const every = Math.max(5, Number(el.dataset.every) || 15) * 1000;
    setInterval(() => refresh(el.id).catch(() => {}), every);
  }

  const job = document.querySelector("[data-job][data-poll]");
  if (job) {
    followJob(job.dataset.job, (j) => {
      job.querySelector("[data-field=state]").textContent = j.state;
      job.querySelector("[data-field=counters]").textContent = counters(j.progress);
    })
      .then(() => location.reload())
      .catch(() => {});
  }
});
