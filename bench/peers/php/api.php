<?php
// The PHP-FPM peer of bench/poll.sh: quotes?symbols= and
// ticks?symbol=&limit= with PDO SQLite, the same bytes as tickfeed.fcgi.
// nginx passes the endpoint in PEER_ENDPOINT and the db in TICKFEED_DB.
declare(strict_types=1);

const SCALE = 100000000;

function price(int $v, int $dec): string
{
    $u = abs($v);
    $fp = str_pad((string)($u % SCALE), 8, '0', STR_PAD_LEFT);
    $need = strlen(rtrim($fp, '0'));
    $d = max($dec, $need);
    return ($v < 0 ? '-' : '') . intdiv($u, SCALE) . ($d > 0 ? '.' . substr($fp, 0, $d) : '');
}

function fail(int $status, string $code, string $msg): void
{
    http_response_code($status);
    echo json_encode(['error' => ['code' => $code, 'message' => $msg]]);
}

header('Content-Type: application/json');
$db = new PDO('sqlite:' . $_SERVER['TICKFEED_DB'], null, null,
    [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::SQLITE_ATTR_OPEN_FLAGS => PDO::SQLITE_OPEN_READONLY]);
$db->beginTransaction();
$cursor = (int)$db->query("SELECT seq FROM sqlite_sequence WHERE name = 'ticks'")->fetchColumn();

if ($_SERVER['PEER_ENDPOINT'] === 'quotes') {
    $st = $db->prepare('SELECT symbol, decimals, last_id, last_ts, last_price, last_size FROM symbols WHERE symbol = ?');
    $out = [];
    foreach (explode(',', (string)($_GET['symbols'] ?? '')) as $s) {
        $st->execute([$s]);
        $q = $st->fetch(PDO::FETCH_NUM);
        if ($q === false) {
            fail(404, 'unknown_symbol', 'unknown symbol');
            return;
        }
        $out[] = '{"symbol":' . json_encode($q[0]) . ',"id":' . $q[2] . ',"ts":' . $q[3]
            . ',"price":' . price((int)$q[4], (int)$q[1]) . ',"size":' . $q[5] . '}';
    }
    echo '{"cursor":' . $cursor . ',"quotes":[' . implode(',', $out) . ']}';
    $db->commit();
    return;
}

$limit = (int)($_GET['limit'] ?? 100);
$since = (int)($_GET['since'] ?? 0);
$symbol = (string)($_GET['symbol'] ?? '');
$st = $db->prepare('SELECT id, decimals FROM symbols WHERE symbol = ?');
$st->execute([$symbol]);
$sym = $st->fetch(PDO::FETCH_NUM);
if ($sym === false) {
    fail(404, 'unknown_symbol', 'unknown symbol');
    return;
}
$st = $db->prepare('SELECT id, ts, price, size FROM ticks WHERE symbol_id = ? AND id > ? ORDER BY id LIMIT ?');
$st->execute([(int)$sym[0], $since, $limit + 1]);
$rows = $st->fetchAll(PDO::FETCH_NUM);
$more = count($rows) > $limit;
if ($more) {
    array_pop($rows);
}
$ticks = [];
foreach ($rows as $t) {
    $ticks[] = '{"id":' . $t[0] . ',"ts":' . $t[1] . ',"price":' . price((int)$t[2], (int)$sym[1]) . ',"size":' . $t[3] . '}';
}
$next = $rows ? $rows[count($rows) - 1][0] : $since;
echo '{"cursor":' . $cursor . ',"symbol":' . json_encode($symbol) . ',"ticks":[' . implode(',', $ticks)
    . '],"next":' . $next . ',"more":' . ($more ? 'true' : 'false') . '}';
$db->commit();
