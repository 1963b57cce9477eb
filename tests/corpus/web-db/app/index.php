<?php
// The coursework's guestbook on MariaDB: POST a user name and a suggestion, see every
// entry. Stored with PDO (pdo_mysql) over TCP; the server is DB_HOST:DB_PORT, passed
// through php-fpm's pool environment.
header('Content-Type: text/html; charset=utf-8');
$dsn = sprintf('mysql:host=%s;port=%d;dbname=%s;charset=utf8mb4',
    getenv('DB_HOST') ?: '127.0.0.1', (int)(getenv('DB_PORT') ?: 3306), getenv('DB_NAME') ?: 'app');
try {
    $db = new PDO($dsn, getenv('DB_USER') ?: 'app', getenv('DB_PASSWORD') ?: '',
        [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 5]);
} catch (PDOException $e) {
    http_response_code(503);
    error_log('guestbook: ' . $e->getMessage());
    exit("<p class=\"error\">The database is not available.</p>\n");
}
$db->exec('CREATE TABLE IF NOT EXISTS entries (id INT AUTO_INCREMENT PRIMARY KEY,
    user VARCHAR(100) NOT NULL, suggestion TEXT NOT NULL) ENGINE=InnoDB');

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
