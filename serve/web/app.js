// The page of nmt serve: pick a language pair, translate through the
// LibreTranslate API (POST /translate), show the result and the time.
"use strict";
const $ = (id) => document.getElementById(id);

function showError(msg) {
  const e = $("error");
  e.textContent = msg;
  e.hidden = !msg;
}

async function load() {
  try {
    const [langs, settings] = await Promise.all([
      fetch("/languages").then((r) => r.json()),
      fetch("/frontend/settings").then((r) => r.json()),
    ]);
    const pair = $("pair");
    for (const l of langs) {
      for (const t of l.targets) {
        const o = document.createElement("option");
        o.value = l.code + ":" + t;
        const name = langs.find((x) => x.code === t);
        o.textContent = l.name + " → " + (name ? name.name : t);
        pair.append(o);
      }
    }
    if (settings.keyRequired) {
      $("key").hidden = false;
      $("key-label").hidden = false;
    }
  } catch (err) {
    showError("Cannot reach the server: " + err);
  }
}

async function translate(ev) {
  ev.preventDefault();
  const [source, target] = $("pair").value.split(":");
  const body = { q: $("source").value, source, target, format: "text" };
  if (!$("key").hidden) body.api_key = $("key").value;
  showError("");
  $("go").disabled = true;
  $("status").textContent = "Translating…";
  const t0 = performance.now();
  try {
    const r = await fetch("/translate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const ans = await r.json().catch(() => ({ error: r.status + " " + r.statusText }));
    if (!r.ok || ans.error) {
      $("status").textContent = "";
      showError(ans.error || r.status + " " + r.statusText);
      return;
    }
    $("result").textContent = ans.translatedText;
    $("status").textContent = "Translated in " + Math.round(performance.now() - t0) + " ms";
  } catch (err) {
    $("status").textContent = "";
    showError("Request failed: " + err);
  } finally {
    $("go").disabled = false;
  }
}

$("form").addEventListener("submit", translate);
$("source").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) $("form").requestSubmit();
});
load();
