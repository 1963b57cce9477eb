<?php
// A guestbook like the CSVS coursework's web app: POST a user name and a suggestion,
// see every entry. Stored with PDO in SQLite.
header('Content-Type: text/html; charset=utf-8');
$db = new PDO('sqlite:/var/lib/guestbook/guestbook.sqlite');
$db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$db->exec('CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, user TEXT NOT NULL, suggestion TEXT NOT NULL)');

$message = '';
if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $user = trim($_POST['user'] ?? '');
    $suggestion = trim($_POST['suggestion'] ?? '');
    if ($user === '' || $suggestion === '') {
        http_response_code(400);
        $message = '<p class="error">Please enter both a user name and a suggestion.</p>';
    } else {
        $st = $db->prepare('INSERT INTO entries (user, suggestion) VALUES (?, ?)');
        $st->execute([$user, $suggestion]);
        $message = '<p class="ok">Thank you, ' . htmlspecialchars($user, ENT_QUOTES) . '!</p>';
    }
}
?>
<!DOCTYPE html>
<html><head><title>Suggestion box</title></head>
<body>
<h1>Suggestion box</h1>
<?= $message ?>
<form method="post" action="/index.php">
  <label>User <input name="user"></label>
  <label>Suggestion <input name="suggestion"></label>
  <button type="submit">Send</button>
</form>
<h2>Suggestions so far</h2>
<ul>
<?php foreach ($db->query('SELECT user, suggestion FROM entries ORDER BY id') as $row): ?>
  <li><b><?= htmlspecialchars($row['user'], ENT_QUOTES) ?></b>: <?= htmlspecialchars($row['suggestion'], ENT_QUOTES) ?></li>
<?php endforeach; ?>
</ul>
</body></html>
