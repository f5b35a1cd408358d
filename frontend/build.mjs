// Builds WeGov's front-end assets into wegov/static/dist/ (run: npm run build).
//
// No bundler: dart-sass compiles frontend/scss/wegov.scss against GOV.UK
// Frontend from node_modules, and the few browser scripts we need are copied
// as they are. Files are only rewritten when their content changes, and files
// the build no longer produces are removed, so running it twice is a no-op.
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "frontend");
const modules = join(root, "node_modules");
const dist = join(root, "wegov", "static", "dist");
const require = createRequire(import.meta.url);
const started = performance.now();

const outputs = new Map(); // path relative to dist -> Buffer | string

function emit(name, content) {
  outputs.set(name, content);
}

function copy(name, from) {
  emit(name, readFileSync(from));
}

function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

// GOV.UK (crown, royal arms crest) and GDS Transport must not appear in our brand.
const FORBIDDEN = [/GDS Transport/i, /crown/i, /crest/i];

// GOV.UK Frontend's footer still ships rules for the crown and the royal arms
// crest; WeGov never uses them, so drop those rules from the compiled CSS.
function withoutGovukInsignia(css) {
  const rule = /([{};]|^)[^{};]*(?:govuk-footer__crown|govuk-footer__copyright-logo|govuk-crest)[^{}]*\{[^{}]*\}/g;
  let out = css;
  for (let previous = null; previous !== out; ) {
    previous = out;
    out = out.replace(rule, "$1");
  }
  // Remove media/supports blocks left empty.
  return out.replace(/@(?:media|supports)[^{}]*\{\}/g, "");
}

function buildCss() {
  const result = sass.compile(join(src, "scss", "wegov.scss"), {
    loadPaths: [modules],
    style: "compressed",
    quietDeps: true,
    sourceMap: false,
  });
  const css = withoutGovukInsignia(result.css) + "\n";
  for (const pattern of FORBIDDEN) {
    if (pattern.test(css)) {
      throw new Error(`wegov.css contains ${pattern}: the WeGov brand must not use GOV.UK's`);
    }
  }
  emit("wegov.css", css);
}

function buildScripts() {
  const govuk = join(packageDir("govuk-frontend"), "dist", "govuk");
  copy("govuk-frontend.min.js", join(govuk, "govuk-frontend.min.js"));
  copy("govuk-frontend.min.js.map", join(govuk, "govuk-frontend.min.js.map"));
  copy("htmx.min.js", join(packageDir("htmx.org"), "dist", "htmx.min.js"));
  const leaflet = join(packageDir("leaflet"), "dist");
  copy("leaflet.js", join(leaflet, "leaflet.js"));
  copy("leaflet.js.map", join(leaflet, "leaflet.js.map"));
  copy("leaflet/leaflet.css", join(leaflet, "leaflet.css"));
  for (const image of readdirSync(join(leaflet, "images"))) {
    copy(`leaflet/images/${image}`, join(leaflet, "images", image));
  }
  for (const script of readdirSync(join(src, "js"))) {
    copy(script, join(src, "js", script));
  }
}

function buildImages() {
  for (const image of readdirSync(join(src, "images"))) {
    copy(`images/${image}`, join(src, "images", image));
  }
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function write() {
  let changed = 0;
  for (const [name, content] of outputs) {
    const path = join(dist, name);
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
    if (existsSync(path) && readFileSync(path).equals(bytes)) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    changed += 1;
  }
  let removed = 0;
  for (const path of listFiles(dist)) {
    const name = relative(dist, path).split("\\").join("/");
    if (name === ".built" || outputs.has(name)) continue;
    rmSync(path);
    removed += 1;
  }
  return { changed, removed };
}

buildCss();
buildScripts();
buildImages();
const { changed, removed } = write();
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (!process.argv.includes("--quiet")) {
  console.log(`wegov/static/dist: ${outputs.size} files, ${changed} written, ${removed} removed, ${seconds} s`);
}
