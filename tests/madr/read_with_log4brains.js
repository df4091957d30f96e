// Read every ADR of a log4brains project with the real @log4brains/core API and print what it understood
// as JSON: [{slug, title, status, deciders, publicationDate, supersededBy}]. Usage: node read_with_log4brains.js DIR
// (DIR holds .log4brains.yml and the ADR folder it names). Test-only: tests/domain/test_mdr_madr_readers.py.
const { Log4brains } = require("@log4brains/core");

async function main() {
  const l4b = Log4brains.create(process.argv[2]);
  const adrs = await l4b.searchAdrs();
  const out = adrs.map((a) => ({
    slug: a.slug, title: a.title, status: a.status, deciders: a.deciders,
    publicationDate: a.publicationDate, supersededBy: a.supersededBy,
  }));
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
