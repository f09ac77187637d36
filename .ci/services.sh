#!/usr/bin/env bash
# Start PostgreSQL, Redis and RabbitMQ if they are down (the commands this machine documents).
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
status=0
if ! up 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || status=1
fi
if ! up 6379; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || status=1
fi
if ! up 5672; then
  rabbitmq-server -detached || status=1
  for _ in $(seq 30); do up 5672 && break; sleep 1; done
fi
exit $status
