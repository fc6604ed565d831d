#!/usr/bin/env node
// Thin entry: refuse a Node.js older than package.json's engines with one line, then load
// the compiled CLI. Kept to syntax old Node versions parse, so the check itself runs there.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`console-doctor: needs Node.js >= 20.19, but ${process.execPath} is v${process.versions.node}\n`);
  process.exit(3);
}
const { main } = await import('../dist/cli/main.js');
main(process.argv);
