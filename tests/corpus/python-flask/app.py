"""A to-do list on Flask under gunicorn: JSON API, an HTML page from a Jinja template,
storage in SQLite under /data (DATA_DIR)."""
import hashlib
import os
import sqlite3

from flask import Flask, abort, g, jsonify, render_template, request

DB = os.path.join(os.environ.get("DATA_DIR", "/data"), "todo.sqlite")
app = Flask(__name__)


def db():
    if "db" not in g:
        g.db = sqlite3.connect(DB)
        g.db.row_factory = sqlite3.Row
        g.db.execute(
            "CREATE TABLE IF NOT EXISTS todos (id INTEGER PRIMARY KEY, text TEXT NOT NULL,"
            " done INTEGER NOT NULL DEFAULT 0)"
        )
    return g.db


@app.teardown_appcontext
def close_db(_exc):
    conn = g.pop("db", None)
    if conn is not None:
        conn.close()


def as_dict(row):
    return {"id": row["id"], "text": row["text"], "done": bool(row["done"]),
            "tag": hashlib.sha256(row["text"].encode()).hexdigest()[:8]}


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/")
def index():
    rows = db().execute("SELECT * FROM todos ORDER BY id").fetchall()
    return render_template("index.html", todos=[as_dict(r) for r in rows])


@app.get("/api/todos")
def list_todos():
    rows = db().execute("SELECT * FROM todos ORDER BY id").fetchall()
    return jsonify([as_dict(r) for r in rows])


@app.post("/api/todos")
def add_todo():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not str(body.get("text", "")).strip():
        return {"error": "a to-do needs text"}, 400
    conn = db()
    cur = conn.execute("INSERT INTO todos (text) VALUES (?)", (str(body["text"]).strip(),))
    conn.commit()
    row = conn.execute("SELECT * FROM todos WHERE id = ?", (cur.lastrowid,)).fetchone()
    return as_dict(row), 201


@app.route("/api/todos/<int:todo_id>", methods=["GET", "PATCH", "DELETE"])
def one_todo(todo_id):
    conn = db()
    row = conn.execute("SELECT * FROM todos WHERE id = ?", (todo_id,)).fetchone()
    if row is None:
        abort(404)
    if request.method == "PATCH":
        done = bool((request.get_json(silent=True) or {}).get("done"))
        conn.execute("UPDATE todos SET done = ? WHERE id = ?", (int(done), todo_id))
        conn.commit()
        row = conn.execute("SELECT * FROM todos WHERE id = ?", (todo_id,)).fetchone()
    elif request.method == "DELETE":
        conn.execute("DELETE FROM todos WHERE id = ?", (todo_id,))
        conn.commit()
        return "", 204
    return as_dict(row)


@app.errorhandler(404)
def not_found(_e):
    return {"error": "not found"}, 404
