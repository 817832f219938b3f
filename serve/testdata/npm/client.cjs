// client.cjs URL [KEY]: translates the lines of standard input (German to
// English) through the npm libretranslate client and prints one JSON
// string per line. serve's TestNPMClient runs it against nmt serve.
"use strict";
const { translate } = require("libretranslate");

async function main() {
  const [apiurl, apiKey] = process.argv.slice(2);
  const input = require("fs").readFileSync(0, "utf8");
  for (const query of input.split("\n").filter((l) => l !== "")) {
    const text = await translate({ query, source: "de", target: "en", apiurl, apiKey });
    console.log(JSON.stringify(text));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
