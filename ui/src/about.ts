// The About box: version, build commit and the SHA-256 of the running program (computed by
// the `about` command, the same code as `durchblick --version`), so that a user can compare
// the window they run with the published checksums.
import { api, type AboutView } from "./api";
import { h } from "./dom";
import { pick, t } from "./i18n";

let facts: AboutView | null = null;
// The header is rebuilt on every render: the box stays open across them.
let opened = false;

function body(): HTMLElement {
  if (!facts) return h("p", {}, t("loading"));
  return h(
    "dl",
    { class: "about-facts" },
    h("dt", {}, t("aboutVersion")),
    h("dd", {}, facts.version),
    h("dt", {}, t("aboutCommit")),
    h("dd", { class: "mono" }, facts.commit),
    h("dt", {}, t("aboutSha")),
    h("dd", { class: "mono", id: "about-sha256" }, facts.sha256 ?? pick(facts.problem)),
    facts.executable ? h("dd", { class: "mono" }, facts.executable) : null,
    h("dd", {}, t("aboutCompare")),
  );
}

/// A disclosure in the header; the program file is read only when it is first opened.
export function aboutBox(): HTMLElement {
  const box = h("details", { class: "about", id: "about", open: opened ? "" : null }, h("summary", {}, t("about")), body());
  box.addEventListener("toggle", async () => {
    opened = (box as HTMLDetailsElement).open;
    if (!opened || facts) return;
    facts = await api.about();
    box.replaceChildren(box.firstChild as Node, body());
  });
  return box;
}
