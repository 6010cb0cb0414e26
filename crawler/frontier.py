"""The shared crawl frontier on Redis (scrapy-redis): one request queue and duplicate filter
for any number of `pantau crawl --frontier redis://...` workers, on any number of machines.

What scrapy-redis gives: a priority queue and a duplicate filter in Redis. What Pantau adds:
- the duplicate filter keys URLs like the spider does (crawler.urls.url_key), not by raw URL;
- the sources' start URLs are seeded once, by whichever worker claims the seeding first;
- a popped request stays listed under its worker ("in flight") until its callback and the
  items it yielded are done; a worker whose heartbeat stops (kill -9, a lost machine) has its
  in-flight requests put back in the queue by the others, so a dead worker loses nothing;
- a worker exits when the frontier (queue and every worker's in-flight requests) has stayed
  empty for PANTAU_IDLE_EXIT seconds; the last worker out clears the duplicate filter, so the
  next batch crawl starts afresh;
- Redis going away (a restart, a network cut) pauses the worker: every Redis command is retried
  until Redis answers again, for at most PANTAU_FRONTIER_RECONNECT seconds (BoundedRetry). Past
  that the worker stops cleanly (reason "frontier_lost"): what it stored is kept, and the
  requests it held are still listed in Redis for the next run. A Redis restart loses nothing
  only when Redis keeps its data (appendonly yes, or an RDB save on shutdown).

Over 400 lines: one owner of the Redis frontier (queue, duplicate filter, seeding, heartbeats,
reconnects), whose parts share the same keys and scripts.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import socket
import threading
import time
import uuid

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from core.settings import value
from crawler.urls import url_key

logger = logging.getLogger(__name__)

# Request meta key: (in-flight hash, entry) of a request popped from the frontier.
INFLIGHT = "pantau_frontier"
# Redis keys, after scrapy-redis' "%(spider)s:requests" and "%(spider)s:dupefilter".
QUEUE_KEY = "%(spider)s:requests"
DUPEFILTER_KEY = "%(spider)s:dupefilter"
SEEDED_KEY = "%(spider)s:seeded"
WORKERS_KEY = "%(spider)s:workers"
INFLIGHT_KEY = "%(spider)s:inflight:%(worker)s"
ALIVE_KEY = "%(spider)s:alive:%(worker)s"

# Every script below may run twice: when Redis goes away between running a command and sending
# its reply, BoundedRetry sends the command again. Each one is written so that the second run
# changes nothing and answers like the first.

# Pop the best request and list it as in flight in one step, so a kill between the two
# cannot lose it. KEYS: queue, in-flight hash; ARGV: entry id (new for each pop). The hash maps
# the entry id to "<score> <request>", so that a requeue restores the priority. A second run
# (the reply of the first was lost) returns the request the first one popped.
POP_SCRIPT = """
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then
  return {ARGV[1], string.sub(held, string.find(held, ' ', 1, true) + 1)}
end
local r = redis.call('ZPOPMIN', KEYS[1])
if #r == 0 then return false end
redis.call('HSET', KEYS[2], ARGV[1], r[2] .. ' ' .. r[1])
return {ARGV[1], r[1]}
"""
# Put every in-flight request of a hash back in the queue. KEYS: in-flight hash, queue.
REQUEUE_SCRIPT = """
local h = redis.call('HGETALL', KEYS[1])
for i = 1, #h, 2 do
  local v = h[i + 1]
  local space = string.find(v, ' ', 1, true)
  redis.call('ZADD', KEYS[2], string.sub(v, 1, space - 1), string.sub(v, space + 1))
end
redis.call('DEL', KEYS[1])
return #h / 2
"""
# Queue a request unless the duplicate filter knows it, in one step: a first run whose reply was
# lost has queued it, so the second run's "seen" loses nothing (two separate commands, SADD then
# ZADD, would lose the request). A retry or redirect of a popped request replaces it: its
# in-flight entry goes. KEYS: duplicate filter, queue, in-flight hash; ARGV: fingerprint ('' for
# dont_filter), request, score, in-flight entry id ('' for none). Returns 1 when queued.
ENQUEUE_SCRIPT = """
local new = ARGV[1] == '' or redis.call('SADD', KEYS[1], ARGV[1]) == 1
if new then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2]) end
if ARGV[4] ~= '' then redis.call('HDEL', KEYS[3], ARGV[4]) end
if new then return 1 end
return 0
"""


class FrontierError(RuntimeError):
    """The Redis frontier cannot be reached or the URL is not a Redis URL."""


class BoundedRetry(Retry):
    """redis-py's Retry, bounded by time instead of by a count of attempts.

    A command that fails to reach Redis is tried again (backoff up to 2 s) until Redis answers
    or `seconds` have passed since Redis stopped answering; then the error is raised. redis-py
    copies a client's Retry into each of its connections and nests the connect retry inside the
    command retry: one shared instance (__deepcopy__ returns it) keeps one clock and logs one
    line per outage for all of them. Written here because redis-py only bounds retries by count,
    and a count does not say how long a worker waits for a Redis restart.
    """

    def __init__(self, seconds: float, quiet: bool = False):
        super().__init__(ExponentialBackoff(cap=2.0, base=0.05), retries=-1,
                         supported_errors=(redis.ConnectionError, redis.TimeoutError,
                                           socket.timeout))
        self.seconds = seconds
        self.quiet = quiet  # the heartbeat thread's copy: the reactor's copy does the talking
        self.down_since: float | None = None

    def __deepcopy__(self, memo):
        return self

    def call_with_retry(self, do, fail, is_retryable=None, with_failure_count=False):
        failures = 0
        while True:
            try:
                result = do()
            except self._supported_errors as error:
                if is_retryable and not is_retryable(error):
                    raise
                failures += 1
                fail(error, failures) if with_failure_count else fail(error)
                now = time.monotonic()
                if self.down_since is None:
                    self.down_since = now
                    if not self.quiet:
                        logger.warning("the crawl frontier does not answer (%s): waiting up to "
                                       "%.0f s for it", error, self.seconds)
                left = self.down_since + self.seconds - now
                if left <= 0:
                    raise
                time.sleep(min(self._backoff.compute(failures), left))
            else:
                if self.down_since is not None:
                    if not self.quiet:
                        logger.warning("the crawl frontier answers again after %.1f s",
                                       time.monotonic() - self.down_since)
                    self.down_since = None
                return result


def frontier_settings(url: str, idle_exit: float, reconnect: float = 60.0) -> dict:
    """The Scrapy settings that put a crawl on the shared frontier at `url`.

    Args:
        url: redis://HOST:PORT/DB (or rediss://, unix://).
        idle_exit: seconds the frontier must stay empty before a worker exits; 0 never.
        reconnect: seconds a worker waits for Redis to answer again before it stops.

    Returns:
        Settings for crawler.settings overrides (scheduler, duplicate filter, Redis URL).
    """
    return {
        # Every Redis client of the worker (scrapy-redis' and ours) shares one BoundedRetry.
        "REDIS_PARAMS": {"socket_timeout": 30, "socket_connect_timeout": 10,
                         "retry": BoundedRetry(reconnect)},
        "PANTAU_FRONTIER_RECONNECT": reconnect,
        "PANTAU_FRONTIER": url,
        "PANTAU_IDLE_EXIT": idle_exit,
        "REDIS_URL": url,
        "SCHEDULER": "crawler.frontier.FrontierScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.frontier.FrontierQueue",
        "SCHEDULER_QUEUE_KEY": QUEUE_KEY,
        "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER_KEY,
        "DUPEFILTER_CLASS": "crawler.frontier.UrlKeyDupeFilter",
        # Other workers use the queue: never flush it when this one closes.
        "SCHEDULER_PERSIST": True,
    }


def shown(url: str) -> str:
    """The URL without its password, for logs and messages."""
    return re.sub(r"://([^:@/]*):[^@/]*@", r"://\1:***@", url)


def check_frontier(url: str) -> None:
    """Raise FrontierError unless a Redis server answers at `url`."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except ValueError as e:
        raise FrontierError(f"--frontier {shown(url)!r}: {e} (expected "
                            "redis://HOST:PORT/DB)") from None
    except redis.RedisError as e:
        raise FrontierError(f"cannot reach the crawl frontier at {shown(url)}: {e} (start "
                            "redis-server there, or fix the --frontier URL)") from None


def connect(settings, thread: bool = False) -> redis.Redis:
    """A client of the frontier with the worker's reconnect bound (BoundedRetry).

    Args:
        thread: for a thread other than the reactor's: its own retry clock, and quiet.
    """
    params = settings.getdict("REDIS_PARAMS")
    retry = params.get("retry")
    if thread or not isinstance(retry, BoundedRetry):
        retry = BoundedRetry(settings.getfloat("PANTAU_FRONTIER_RECONNECT", 60), quiet=thread)
    return redis.Redis.from_url(settings.get("PANTAU_FRONTIER"), socket_timeout=30,
                                socket_connect_timeout=10, retry=retry)


def claim_seeding(crawler, spider_name: str) -> bool:
    """True for the one worker that seeds the sources' start URLs in this batch crawl."""
    server = connect(crawler.settings)
    key = SEEDED_KEY % {"spider": spider_name}
    # GET after SET NX: a SET whose reply was lost (Redis restarting) is retried and refused,
    # yet this worker holds the claim.
    return bool(server.set(key, worker_id(), nx=True)) or \
        server.get(key) == worker_id().encode()


_WORKER_ID = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


def worker_id() -> str:
    """This process's name on the frontier: host, pid and a random suffix."""
    return _WORKER_ID


class UrlKeyDupeFilter(RFPDupeFilter):
    """scrapy-redis' duplicate filter, keyed like the spider's own `seen` set (url_key), so
    http/https, tracking parameters and trailing slashes do not fetch one article twice."""

    def request_fingerprint(self, request):
        return hashlib.sha1(url_key(request.url).encode("utf-8")).hexdigest()


class FrontierQueue(PriorityQueue):
    """scrapy-redis' priority queue whose pop lists the request under this worker until done."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        names = {"spider": spider.name, "worker": worker_id()}
        self.inflight_key = INFLIGHT_KEY % names
        self._pop = server.register_script(POP_SCRIPT)

    def push(self, request):
        data = self._encode_request(request)
        pipe = self.server.pipeline()
        pipe.zadd(self.key, {data: -request.priority})
        # A retry or redirect of a popped request: the new one replaces it in the queue.
        if INFLIGHT in request.meta:
            pipe.hdel(*request.meta[INFLIGHT])
        pipe.execute()

    def pop(self, timeout=0):
        result = self._pop(keys=[self.key, self.inflight_key], args=[uuid.uuid4().hex])
        if not result:
            return None
        field, data = result
        request = self._decode_request(data)
        request.meta[INFLIGHT] = (self.inflight_key, field.decode())
        return request


class FrontierScheduler(Scheduler):
    """scrapy-redis' scheduler plus worker heartbeats, recovery of dead workers' requests,
    the idle exit and the clean-up by the last worker out."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        settings = crawler.settings
        scheduler.crawler = crawler
        scheduler.idle_exit = settings.getfloat("PANTAU_IDLE_EXIT", value("idle_exit"))
        scheduler.heartbeat = settings.getfloat("PANTAU_FRONTIER_HEARTBEAT", 10)
        scheduler.lost = None  # the Redis error that stopped this worker, once it did
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider):
        # As scrapy-redis' open(), without its deprecated Spider.log() call (and no flush).
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer)
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        names = {"spider": spider.name, "worker": worker_id()}
        self.workers_key = WORKERS_KEY % names
        self.alive_key = ALIVE_KEY % names
        self.requeue = self.server.register_script(REQUEUE_SCRIPT)
        self.enqueue = self.server.register_script(ENQUEUE_SCRIPT)
        # The heartbeat runs in a thread: a reactor busy parsing a large sitemap for seconds
        # is alive; only a dead process (or machine) stops beating.
        self.stopped = threading.Event()
        self.alive()
        self.beating = threading.Thread(target=self.keep_alive, name="frontier-heartbeat",
                                        daemon=True)
        self.beating.start()
        self.server.sadd(self.workers_key, worker_id())
        self.idle_since = time.monotonic()
        self.loop = task.LoopingCall(self.reap)
        self.loop.start(max(self.heartbeat / 2, 0.5), now=False)
        logger.info("worker %s on the frontier %s (%d requests queued)", worker_id(),
                    shown(self.crawler.settings.get("PANTAU_FRONTIER")), len(self.queue))

    # enqueue_request and next_request as in scrapy-redis 0.9.1, without the `spider` argument
    # to StatsCollector.inc_value() that Scrapy 2.19 deprecates.
    def enqueue_request(self, request):
        if self.lost:
            return False
        try:
            return self._enqueue(request)
        except redis.RedisError as e:
            self.lose(e)
            return False

    def _enqueue(self, request):
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        # A retry or redirect of a popped request, or a redirect to a page fetched already:
        # its in-flight entry goes either way.
        inflight, entry = request.meta.get(INFLIGHT) or (self.queue.key, "")
        queued = self.enqueue(keys=[self.df.key, self.queue.key, inflight],
                              args=[fingerprint, self.queue._encode_request(request),
                                    -request.priority, entry])
        if not queued:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        if self.lost:
            return None
        try:
            request = self.queue.pop()
        except redis.RedisError as e:
            self.lose(e)
            return None
        if request:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        if self.lost:
            return False
        try:
            return len(self.queue) > 0
        except redis.RedisError as e:
            self.lose(e)
            return False

    def lose(self, error: Exception, close: bool = True) -> None:
        """Redis stayed away past PANTAU_FRONTIER_RECONNECT: stop this worker cleanly.

        Args:
            close: ask the engine to close the spider (not from spider_idle: Scrapy closes an
                idle spider itself once the handler lets it).
        """
        if self.lost:
            return
        self.lost = error
        seconds = self.crawler.settings.getfloat("PANTAU_FRONTIER_RECONNECT", 60)
        logger.error("the crawl frontier at %s did not answer for %.0f s (%s): this worker "
                     "stops; what it stored is kept", shown(
                         self.crawler.settings.get("PANTAU_FRONTIER")), seconds, error)
        self.stats.set_value("pantau/frontier_lost", f"{error} (for {seconds:.0f} s)")
        if not close:
            return
        from scrapy.utils.defer import deferred_from_coro

        deferred_from_coro(self.crawler.engine.close_spider_async(reason="frontier_lost"))

    def alive(self, server=None):
        """Tell the other workers this one is alive, for the next PANTAU_FRONTIER_HEARTBEAT s.

        Also lists it among the workers again: after a Redis outage longer than the heartbeat,
        another worker may have taken it for dead and struck it off; listed, its in-flight
        requests count as work again (and are recovered if it does die)."""
        pipe = (server or self.server).pipeline()
        pipe.set(self.alive_key, 1, px=int(self.heartbeat * 1000))
        pipe.sadd(self.workers_key, worker_id())
        pipe.execute()

    def keep_alive(self):
        # redis-py clients are not shared by threads; nor is a retry's clock.
        server = connect(self.crawler.settings, thread=True)
        while not self.stopped.wait(self.heartbeat / 4):
            try:
                self.alive(server)
            except redis.RedisError as e:  # boundary: the thread must outlive a Redis hiccup
                logger.warning("frontier heartbeat failed: %s", e)

    def reap(self):
        """Put the in-flight requests of workers that stopped beating back in the queue."""
        if self.lost:
            return
        try:
            self._reap()
        except redis.RedisError as e:  # a LoopingCall that raises would stop for good
            self.lose(e)

    def _reap(self):
        for worker in self.server.smembers(self.workers_key):
            worker = worker.decode()
            names = {"spider": self.spider.name, "worker": worker}
            if worker == worker_id() or self.server.exists(ALIVE_KEY % names):
                continue
            moved = self.requeue(keys=[INFLIGHT_KEY % names, self.queue.key])
            self.server.srem(self.workers_key, worker)
            logger.warning("worker %s stopped answering: %d of its requests are queued again",
                           worker, moved)
            self.stats.inc_value("pantau/frontier/recovered", moved)

    def in_flight(self) -> int:
        """Requests popped by any worker and not finished yet."""
        workers = [w.decode() for w in self.server.smembers(self.workers_key)]
        return sum(self.server.hlen(INFLIGHT_KEY % {"spider": self.spider.name, "worker": w})
                   for w in workers)

    def spider_idle(self, spider):
        """Keep the worker open while the frontier has work, then PANTAU_IDLE_EXIT seconds."""
        if self.lost:
            return  # closing already
        try:
            self._idle()
        except redis.RedisError as e:
            self.lose(e, close=False)

    def _idle(self):
        # Nothing is in progress here, so entries still listed under this worker were ended
        # by a path that does not pass the ack middleware (a response dropped by a downloader
        # middleware): they are done, and must not keep the frontier busy.
        stale = self.server.hlen(self.queue.inflight_key)
        if stale:
            self.server.delete(self.queue.inflight_key)
            self.stats.inc_value("pantau/frontier/ended_unacknowledged", stale)
        if self.idle_exit <= 0:
            raise DontCloseSpider
        self._reap()
        if len(self.queue) or self.in_flight():
            self.idle_since = time.monotonic()
            raise DontCloseSpider
        if time.monotonic() - self.idle_since < self.idle_exit:
            raise DontCloseSpider
        logger.info("the frontier has been empty for %.0f s: this worker exits", self.idle_exit)

    def close(self, reason):
        if self.loop.running:
            self.loop.stop()
        self.stopped.set()
        self.beating.join(timeout=1 if self.lost else 30)
        try:
            self._leave()
        except redis.RedisError as e:
            # Redis is still away: the requests this worker held stay listed under it, and the
            # workers (or the next crawl) that see it gone put them back in the queue.
            logger.warning("cannot leave the crawl frontier cleanly: %s", e)

    def _leave(self):
        # Whatever this worker popped and did not finish (e.g. stopped with Ctrl-C) goes back.
        left = self.requeue(keys=[self.queue.inflight_key, self.queue.key])
        if left:
            logger.warning("%d unfinished requests of this worker are queued again", left)
            self.stats.set_value("pantau/frontier/requeued_on_close", left)
        self.server.srem(self.workers_key, worker_id())
        self.server.delete(self.alive_key)
        if not self.server.scard(self.workers_key) and not len(self.queue):
            # The last worker out: the next batch crawl seeds and fetches afresh.
            self.server.delete(self.df.key, SEEDED_KEY % {"spider": self.spider.name})
            logger.info("frontier finished: duplicate filter cleared")


class FrontierAckMiddleware:
    """Marks a popped request done once its callback and the items it yielded are processed
    (spider middleware), or once its download failed for good (downloader middleware)."""

    def __init__(self, server):
        self.server = server
        self.items: dict[tuple, int] = {}  # in-flight entry -> items not yet through pipelines
        self.finished: set[tuple] = set()  # entries whose callback output is exhausted

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("PANTAU_FRONTIER"):
            raise NotConfigured("no --frontier")
        mw = cls(connect(crawler.settings))
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(mw.item_done, signal=signal)
        return mw

    def ack(self, entry) -> None:
        try:
            self.server.hdel(*entry)
        except redis.RedisError as e:
            # The frontier is gone for longer than the reconnect bound (the scheduler stops the
            # worker): the entry stays listed, so the page may be fetched again, never lost.
            logger.debug("cannot mark %s done on the frontier: %s", entry, e)

    def _counted(self, entry, output):
        if entry and not isinstance(output, Request) and output is not None:
            self.items[entry] = self.items.get(entry, 0) + 1
        return output

    def _exhausted(self, entry) -> None:
        if entry:
            if self.items.get(entry, 0):
                self.finished.add(entry)
            else:
                self.items.pop(entry, None)
                self.ack(entry)

    def process_spider_output(self, response, result):
        entry = tuple(response.meta.get(INFLIGHT) or ()) or None
        for output in result:
            yield self._counted(entry, output)
        self._exhausted(entry)

    async def process_spider_output_async(self, response, result):
        entry = tuple(response.meta.get(INFLIGHT) or ()) or None
        async for output in result:
            yield self._counted(entry, output)
        self._exhausted(entry)

    def item_done(self, item, response=None, **kwargs):
        meta = getattr(response, "meta", None) if response is not None else None
        try:
            entry = tuple(meta.get(INFLIGHT) or ()) or None if meta is not None else None
        except AttributeError:  # a response without its request
            return
        if entry in self.items:
            self.items[entry] -= 1
            if self.items[entry] <= 0 and entry in self.finished:
                self.finished.discard(entry)
                del self.items[entry]
                self.ack(entry)

    def process_exception(self, request, exception):
        # Called when no middleware above turned the failure into a retry; the errback follows.
        if INFLIGHT in request.meta:
            self.ack(tuple(request.meta[INFLIGHT]))
