// C shim for FFmpeg 5.1: the function-like and compound macros Swift cannot import, wrapped
// as static inline functions, plus small helpers around variadic or macro-only APIs.
#ifndef EDITBAY_CFFMPEG_SHIM_H
#define EDITBAY_CFFMPEG_SHIM_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/cpu.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

/// AVERROR(e): a POSIX errno as an FFmpeg error code.
static inline int cff_averror(int e) { return AVERROR(e); }
/// AVERROR_EOF.
static inline int cff_averror_eof(void) { return AVERROR_EOF; }
/// AVERROR(EAGAIN).
static inline int cff_averror_eagain(void) { return AVERROR(EAGAIN); }
/// AVERROR_INVALIDDATA.
static inline int cff_averror_invalid_data(void) { return AVERROR_INVALIDDATA; }
/// AV_NOPTS_VALUE.
static inline int64_t cff_nopts_value(void) { return AV_NOPTS_VALUE; }
/// AV_TIME_BASE_Q.
static inline AVRational cff_time_base_q(void) { return AV_TIME_BASE_Q; }
/// AV_CHANNEL_LAYOUT_STEREO.
static inline AVChannelLayout cff_channel_layout_stereo(void) {
    AVChannelLayout layout = AV_CHANNEL_LAYOUT_STEREO;
    return layout;
}
/// av_err2str as a function writing into a caller buffer.
static inline void cff_err2str(int err, char *buf, size_t size) { av_strerror(err, buf, size); }

/// Sets the only accepted pixel format of a buffersink (av_opt_set_int_list is a macro).
static inline int cff_sink_set_pix_fmt(AVFilterContext *sink, enum AVPixelFormat fmt) {
    enum AVPixelFormat fmts[] = {fmt, AV_PIX_FMT_NONE};
    return av_opt_set_int_list(sink, "pix_fmts", fmts, AV_PIX_FMT_NONE, AV_OPT_SEARCH_CHILDREN);
}

/// Sets the accepted sample format, rate and channel layout (e.g. "stereo") of an abuffersink.
static inline int cff_sink_set_audio(AVFilterContext *sink, enum AVSampleFormat fmt, int rate, const char *layout) {
    enum AVSampleFormat fmts[] = {fmt, AV_SAMPLE_FMT_NONE};
    int rates[] = {rate, -1};
    int r = av_opt_set_int_list(sink, "sample_fmts", fmts, AV_SAMPLE_FMT_NONE, AV_OPT_SEARCH_CHILDREN);
    if (r < 0) return r;
    r = av_opt_set_int_list(sink, "sample_rates", rates, -1, AV_OPT_SEARCH_CHILDREN);
    if (r < 0) return r;
    return av_opt_set(sink, "ch_layouts", layout, AV_OPT_SEARCH_CHILDREN);
}

/// The last error-level message FFmpeg logged on the calling thread (av_log is variadic, so
/// Swift cannot install a callback itself). Filled once ``cff_install_log_capture`` ran.
static inline char *cff_last_log_buffer(void) {
    static _Thread_local char buffer[512];
    return buffer;
}

static inline void cff_log_callback(void *avcl, int level, const char *fmt, va_list vl) {
    if (level > AV_LOG_ERROR) return;
    char line[512];
    vsnprintf(line, sizeof line, fmt, vl);
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
    if (n == 0) return;
    const char *name = avcl ? av_default_item_name(avcl) : NULL;
    if (name && *name) snprintf(cff_last_log_buffer(), 512, "%s: %s", name, line);
    else snprintf(cff_last_log_buffer(), 512, "%s", line);
}

/// Routes FFmpeg's log to the per-thread capture above (nothing is printed).
static inline void cff_install_log_capture(void) { av_log_set_callback(cff_log_callback); }
/// Copies the calling thread's last captured message into `buf` and clears it.
static inline void cff_take_last_log_message(char *buf, size_t size) {
    snprintf(buf, size, "%s", cff_last_log_buffer());
    cff_last_log_buffer()[0] = 0;
}
/// Clears the calling thread's captured message.
static inline void cff_clear_last_log_message(void) { cff_last_log_buffer()[0] = 0; }

#endif
