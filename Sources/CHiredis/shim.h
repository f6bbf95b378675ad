// hiredis (Debian bookworm: 0.14.1) for Swift. Swift cannot call C-variadic functions, so the commands that
// carry binary arguments go through these wrappers, which use hiredis's binary-safe "%b" (pointer, length)
// argument form. Only the Redis target imports this module.
#ifndef EDITBAY_CHIREDIS_SHIM_H
#define EDITBAY_CHIREDIS_SHIM_H

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/time.h>

/// Queues `PUBLISH channel payload` on the context's output buffer (sent by the next read or flush).
static inline int editbay_redis_append_publish(redisContext *c, const char *channel, size_t channel_len,
                                               const char *payload, size_t payload_len) {
    return redisAppendCommand(c, "PUBLISH %b %b", channel, channel_len, payload, payload_len);
}

/// Queues `COMMAND name` (SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SELECT…) with one binary argument.
static inline int editbay_redis_append_command1(redisContext *c, const char *command, const char *arg, size_t arg_len) {
    return redisAppendCommand(c, "%s %b", command, arg, arg_len);
}

/// Runs `COMMAND arg` and returns its reply (NULL on an I/O or protocol error: see c->err).
static inline redisReply *editbay_redis_command1(redisContext *c, const char *command, const char *arg, size_t arg_len) {
    return (redisReply *)redisCommand(c, "%s %b", command, arg, arg_len);
}

/// Runs `COMMAND a b` with two binary arguments (AUTH user password, …).
static inline redisReply *editbay_redis_command2(redisContext *c, const char *command, const char *a, size_t a_len,
                                                 const char *b, size_t b_len) {
    return (redisReply *)redisCommand(c, "%s %b %b", command, a, a_len, b, b_len);
}

static inline const char *editbay_redis_errstr(const redisContext *c) { return c->errstr; }

static inline struct timeval editbay_timeval_ms(long milliseconds) {
    struct timeval tv;
    tv.tv_sec = milliseconds / 1000;
    tv.tv_usec = (milliseconds % 1000) * 1000;
    return tv;
}

#endif
