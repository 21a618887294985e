// Renders CSL-JSON records with citeproc-js, as Zotero and other CSL processors do.
// Usage: node citeproc_render.js STYLE.csl LOCALES_DIR < records.json
// Prints a JSON list with, for each record, its first note (or in-text citation) and its bibliography entry.
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

const [styleFile, localeDir] = process.argv.slice(2);
const records = JSON.parse(fs.readFileSync(0, "utf8"));
const byId = Object.fromEntries(records.map((record) => [record.id, record]));
const system = {
  retrieveLocale: (lang) => {
    const file = path.join(localeDir, `locales-${lang}.xml`);
    return fs.readFileSync(fs.existsSync(file) ? file : path.join(localeDir, "locales-en-US.xml"), "utf8");
  },
  retrieveItem: (id) => byId[id],
};
const rendered = records.map((record) => {
  // A fresh engine for each record: no "ibid." or shortened second notes.
  const engine = new CSL.Engine(system, fs.readFileSync(styleFile, "utf8"));
  engine.setOutputFormat("text");
  engine.updateItems([record.id]);
  const note = engine.makeCitationCluster([{ id: record.id }]);
  const bibliography = engine.makeBibliography()[1].join("").trim();
  return { id: record.id, note, bibliography };
});
process.stdout.write(JSON.stringify(rendered));
