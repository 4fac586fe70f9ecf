/* See fuzz_common.h. */
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>

int fuzz_random(void *ctx, uint8_t *out, size_t len)
{
    fuzz_rng *r = (fuzz_rng *)ctx;
    for (size_t i = 0; i < len; i++) {
        /* splitmix64: fine for a fuzzer, never for keys that matter */
        uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        out[i] = (uint8_t)(z ^ (z >> 31));
    }
    return 0;
}

uint64_t fuzz_clock(void *ctx)
{
    (void)ctx;
    return FUZZ_TIME;
}

static qstp_root_key rootkey;
static qstp_root_certificate root;
static qstp_server_key skey;
static qstp_server_certificate cert;
static qstp_client_config ccfg;
static qstp_server_keyref kref;
static qstp_server_config scfg;
static qstp_server_config scfg_rev;
static int ready;

static void setup(void)
{
    fuzz_rng r = {12345};
    const qstp_suite *su = qstp_suite_by_id(0x01);
    if (ready)
        return;
    if (qstp_root_key_generate(&rootkey, su, "QSTP_fuzz.qrr", FUZZ_TIME - 100, 365, fuzz_random, &r) != 0 ||
        qstp_root_certificate_extract(&root, &rootkey, fuzz_random, &r) != 0 ||
        qstp_server_key_generate(&skey, su, "QSTP_fuzz.qrc", FUZZ_TIME - 100, 365, fuzz_random, &r) != 0 ||
        qstp_server_certificate_extract(&cert, &skey) != 0 ||
        qstp_server_certificate_sign(&cert, &rootkey, fuzz_random, &r) != 0 ||
        qstp_server_key_set_schash(&skey, &root, &cert) != 0 ||
        qstp_client_config_from_certs(&ccfg, &root, &cert) != 0 ||
        qstp_server_keyref_from_key(&kref, &skey) != 0)
        abort();
    ccfg.options = QSTP_OPT_RATCHET_SEND;
    ccfg.keepalive_interval = 30;
    scfg.keys = &kref;
    scfg.nkeys = 1;
    scfg.idle_timeout = 300;
    scfg_rev = scfg;
    scfg_rev.revocation_root = &root;
    ready = 1;
}

const qstp_server_config *fuzz_server_config_revocation(void)
{
    setup();
    return &scfg_rev;
}

const qstp_root_key *fuzz_root_key(void)
{
    setup();
    return &rootkey;
}

const qstp_root_certificate *fuzz_root_certificate(void)
{
    setup();
    return &root;
}

const qstp_server_certificate *fuzz_server_certificate(void)
{
    setup();
    return &cert;
}

const qstp_server_key *fuzz_server_key(void)
{
    setup();
    return &skey;
}

const qstp_client_config *fuzz_client_config(void)
{
    setup();
    return &ccfg;
}

const qstp_server_config *fuzz_server_config(void)
{
    setup();
    return &scfg;
}

static void peer_common(fuzz_peer *p, uint64_t seed, size_t wslen)
{
    memset(p, 0, sizeof(*p));
    p->rng.s = seed;
    p->env.now = fuzz_clock;
    p->env.random = fuzz_random;
    p->env.ctx = &p->rng;
    p->wslen = wslen;
    p->ws = malloc(wslen);
    p->rx = malloc(QSTP_SESSION_RX_BUFFER_SIZE);
}

void fuzz_peer_client(fuzz_peer *p, uint64_t seed)
{
    const qstp_client_config *c = fuzz_client_config();
    peer_common(p, seed, qstp_session_handshake_workspace_size(c->suite, QSTP_ROLE_CLIENT));
    if (qstp_session_client_init(&p->s, &p->env, c) != 0 ||
        qstp_session_attach_workspace(&p->s, p->ws, p->wslen) != 0 || qstp_session_start(&p->s) != 0)
        abort();
}

void fuzz_peer_server(fuzz_peer *p, uint64_t seed)
{
    const qstp_server_config *c = fuzz_server_config();
    peer_common(p, seed, qstp_session_handshake_workspace_size(c->keys[0].suite, QSTP_ROLE_SERVER));
    if (qstp_session_server_init(&p->s, &p->env, c) != 0 ||
        qstp_session_attach_workspace(&p->s, p->ws, p->wslen) != 0 || qstp_session_start(&p->s) != 0)
        abort();
}

int fuzz_feed(fuzz_peer *p, const uint8_t *in, size_t len)
{
    size_t off = 0;
    while (off < len) {
        qstp_event ev;
        size_t used = qstp_session_receive(&p->s, in + off, len - off, &ev);
        if (used > len - off)
            abort(); /* contract: never more than given */
        off += used;
        switch (ev.type) {
        case QSTP_EVENT_ESTABLISHED:
            if (qstp_session_release_workspace(&p->s) != 0 ||
                qstp_session_attach_rx_buffer(&p->s, p->rx, QSTP_SESSION_RX_BUFFER_SIZE) != 0)
                abort();
            break;
        case QSTP_EVENT_DATA:
            if (ev.len == 0 || ev.len > QSTP_RECORD_PLAINTEXT_MAX || ev.data != p->rx)
                abort();
            break;
        case QSTP_EVENT_ERROR:
        case QSTP_EVENT_PEER_CLOSED:
            return 1;
        default:
            break;
        }
        if (used == 0 && ev.type == QSTP_EVENT_NONE) {
            size_t n;
            const uint8_t *o = qstp_session_output(&p->s, &n);
            if (o == NULL)
                return 0; /* nothing more it can take */
            qstp_session_output_ack(&p->s, n); /* drain and retry */
        }
    }
    return 0;
}

void fuzz_move(fuzz_peer *p, fuzz_peer *q, uint8_t *log, size_t *loglen, size_t logcap)
{
    size_t n;
    const uint8_t *o;
    while ((o = qstp_session_output(&p->s, &n)) != NULL) {
        if (log != NULL && *loglen + n <= logcap) {
            memcpy(log + *loglen, o, n);
            *loglen += n;
        }
        if (q != NULL) {
            uint8_t *copy = malloc(n);
            memcpy(copy, o, n);
            qstp_session_output_ack(&p->s, n);
            fuzz_feed(q, copy, n);
            free(copy);
        } else {
            qstp_session_output_ack(&p->s, n);
        }
    }
}

void fuzz_peer_free(fuzz_peer *p)
{
    qstp_session_wipe(&p->s);
    free(p->ws);
    free(p->rx);
}
