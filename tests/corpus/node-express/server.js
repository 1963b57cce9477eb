// A bookmarks API on express: JSON in and out, a static page, security headers (helmet)
// and an access log (morgan). Bookmarks live in memory and in /data/bookmarks.json.
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const express = require('express');
const helmet = require('helmet');
const morgan = require('morgan');

const dataDir = process.env.DATA_DIR || '/data';
const file = path.join(dataDir, 'bookmarks.json');
fs.mkdirSync(dataDir, { recursive: true });
let bookmarks = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : [];
let nextId = bookmarks.reduce((m, b) => Math.max(m, b.id), 0) + 1;

function save() {
  fs.writeFileSync(file + '.tmp', JSON.stringify(bookmarks));
  fs.renameSync(file + '.tmp', file);
}

const app = express();
app.use(helmet());
app.use(morgan('tiny'));
app.use(express.json({ limit: '16kb' }));
app.use(express.static(path.join(__dirname, 'public')));

app.get('/health', (req, res) => res.json({ status: 'ok' }));

app.get('/api/bookmarks', (req, res) => {
  const tag = req.query.tag;
  res.json(tag ? bookmarks.filter((b) => b.tags.includes(tag)) : bookmarks);
});

app.post('/api/bookmarks', (req, res) => {
  const { url, title, tags } = req.body || {};
  let parsed;
  try {
    parsed = new URL(url);
  } catch (e) {
    return res.status(400).json({ error: 'a bookmark needs a valid url' });
  }
  const b = {
    id: nextId++,
    url: parsed.href,
    host: parsed.hostname,
    title: typeof title === 'string' && title.trim() ? title.trim() : parsed.hostname,
    tags: Array.isArray(tags) ? tags.map(String) : [],
    digest: crypto.createHash('sha256').update(parsed.href).digest('hex').slice(0, 12),
  };
  bookmarks.push(b);
  save();
  res.status(201).location(`/api/bookmarks/${b.id}`).json(b);
});

app.get('/api/bookmarks/:id', (req, res) => {
  const b = bookmarks.find((x) => x.id === Number(req.params.id));
  if (!b) return res.status(404).json({ error: 'no such bookmark' });
  res.json(b);
});

app.delete('/api/bookmarks/:id', (req, res) => {
  const before = bookmarks.length;
  bookmarks = bookmarks.filter((x) => x.id !== Number(req.params.id));
  if (bookmarks.length === before) return res.status(404).json({ error: 'no such bookmark' });
  save();
  res.status(204).end();
});

app.use((req, res) => res.status(404).json({ error: 'not found' }));
app.use((err, req, res, next) => {
  res.status(err.status || 500).json({ error: err.type || 'internal error' });
});

const port = Number(process.env.PORT || 3000);
const server = app.listen(port, () => console.log(`bookmarks: listening on ${port}`));
// PID 1 in a container gets no default signal handling: stop cleanly on TERM and INT.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
