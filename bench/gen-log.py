#!/usr/bin/env python3
"""A deterministic log of mixed shapes for trying patterns by hand:
access-log lines, key=value lines and JSON lines (seed 5).

    python3 bench/gen-log.py OUT [SIZE_IN_BYTES]      # default 120,000,000
"""
import random
import sys

out_path = sys.argv[1]
size = int(sys.argv[2]) if len(sys.argv) > 2 else 120_000_000
random.seed(5)
paths = ['/index.html', '/api/v1/users', '/api/v1/orders/{}', '/static/app.js', '/login', '/search?q={}',
         '/img/logo.png', '/api/v2/items/{}/reviews']
agents = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
          'curl/8.4.0', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0',
          'python-requests/2.31']
levels = ['INFO'] * 20 + ['DEBUG'] * 10 + ['WARN'] * 3 + ['ERROR']
services = ['auth', 'billing', 'search', 'gateway', 'worker-3']
words = ('timeout connection reset retrying user session cache miss hit upstream latency request '
         'completed failed started queue backlog').split()
with open(out_path, 'w') as out:
    n = 0
    while n < size:
        r = random.random()
        d = '2026-11-%02d' % random.randint(1, 28)
        t = '%02d:%02d:%02d.%03d' % (random.randint(0, 23), random.randint(0, 59), random.randint(0, 59), random.randint(0, 999))
        if r < 0.5:
            ip = '%d.%d.%d.%d' % (random.randint(1, 223), random.randint(0, 255), random.randint(0, 255), random.randint(1, 254))
            p = random.choice(paths).format(random.randint(1, 99999))
            line = '%s - - [%s:%s +0000] "%s %s HTTP/1.1" %d %d "-" "%s"\n' % (
                ip, d, t[:8], random.choice(['GET', 'GET', 'POST', 'PUT', 'DELETE']), p,
                random.choice([200, 200, 200, 301, 304, 404, 500, 502]), random.randint(0, 90000), random.choice(agents))
        elif r < 0.85:
            line = '%sT%sZ %-5s [%s] %s user_id=%d took=%dms trace=%016x\n' % (
                d, t, random.choice(levels), random.choice(services),
                ' '.join(random.choice(words) for _ in range(random.randint(3, 9))),
                random.randint(1, 10 ** 6), random.randint(0, 5000), random.getrandbits(64))
        else:
            line = ('{"ts":"%sT%sZ","level":"%s","service":"%s","msg":"%s","latency_ms":%d,"ok":%s,'
                    '"email":"%s@example.%s"}\n') % (
                d, t, random.choice(levels).lower(), random.choice(services),
                ' '.join(random.choice(words) for _ in range(random.randint(2, 6))), random.randint(0, 3000),
                random.choice(['true', 'false']), random.choice(words) + str(random.randint(1, 999)),
                random.choice(['com', 'org', 'net']))
        out.write(line)
        n += len(line)
