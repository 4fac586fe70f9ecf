/* The QRCS integration guide's C API (QSTP 1.4: qstp.h, root.h, server.h, client.h,
 * connections.h), with the guide's names and argument orders, as thin wrappers over this
 * project's core (cert.h, packet.h, suite.h) and net layer (client.h, server.h).
 *
 * Name clashes. C has one namespace, and seven guide names are already taken by the native API
 * with other signatures: qstp_root_key_generate, qstp_server_key_generate, qstp_server_pause,
 * qstp_server_resume, qstp_server_quit, qstp_packet_header_serialize,
 * qstp_packet_header_deserialize. The compat versions are named qstp_compat_<name>; this header
 * maps the guide names to them with macros (after including the native headers, so their own
 * declarations are untouched). A file that includes compat.h therefore calls the guide versions
 * under the guide names. Define QSTP_COMPAT_NO_RENAME before including it to keep the native
 * names and spell the compat ones qstp_compat_<name>. qstp_error_to_string has the same
 * signature in both and is the core's.
 *
 * Where the guide and the wire spec (../shared/spec/QSTP-WIRE.md) disagree, the wire wins; the
 * deviations are listed at each declaration. In general:
 *  - types: certificates and keys are the native structs (cert.h); qstp_root_signature_key and
 *    qstp_server_signature_key are typedefs of them (fields from/to instead of expiration.from/to,
 *    algorithm/version as bytes). The connection state is our own struct with the guide's public
 *    fields (target is a socket descriptor, not a qsc_socket);
 *  - time is true Unix UTC (§2.2), certificates are checked more strictly (cert.h);
 *  - the server listens dual-stack for ipv6, refuses politely at its limits, and sends a close
 *    record when it ends a tunnel (the reference sends none, §9.1);
 *  - configuration ids are those of §1.1 (0x01..0x0E); the set is chosen at run time from the
 *    certificate, and keys generated here use the default set 0x03 (§1.4).
 *
 * Return conventions are the guide's: qstp_errors values (not negated), bool, or void. */
#ifndef QSTP_COMPAT_H
#define QSTP_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qstp/cert.h"
#include "qstp/client.h"
#include "qstp/errors.h"
#include "qstp/flags.h"
#include "qstp/packet.h"
#include "qstp/server.h"
#include "qstp/suite.h"

/* ---------------------------------------------------------------- constants (qstp.h) */
#define QSTP_SERVER_PORT 32119u                 /* §2.7 */
#define QSTP_CLIENT_PORT 32118u
#define QSTP_ROOT_PORT 32120u
#define QSTP_CONNECTIONS_MAX 100u               /* §2.7 (the reference's table size) */
#define QSTP_CONNECTION_MTU 1500u
#define QSTP_CERTIFICATE_ISSUER_SIZE QSTP_ISSUER_SIZE
#define QSTP_CERTIFICATE_SERIAL_SIZE QSTP_SERIAL_SIZE
#define QSTP_CERTIFICATE_HASH_SIZE QSTP_HASH_SIZE
#define QSTP_SERVER_PAUSE_INTERVAL 100u

/* ---------------------------------------------------------------- enums */

/* §1.1 ids. The reference's header has further names for sets it never shipped; they are absent. */
typedef enum qstp_configuration_sets {
    qstp_configuration_set_none = 0x00,
    qstp_configuration_set_dilithium1_kyber1_rcs256_shake256 = 0x01,
    qstp_configuration_set_dilithium3_kyber3_rcs256_shake256 = 0x02,
    qstp_configuration_set_dilithium5_kyber5_rcs256_shake256 = 0x03,
    qstp_configuration_set_dilithium5_kyber6_rcs512_shake512 = 0x04, /* RCS-256 in fact, §1.1 */
    qstp_configuration_set_dilithium1_mceliece1_rcs256_shake256 = 0x05,
    qstp_configuration_set_dilithium3_mceliece3_rcs256_shake256 = 0x06,
    qstp_configuration_set_dilithium5_mceliece5_rcs256_shake256 = 0x07,
    qstp_configuration_set_dilithium5_mceliece6_rcs256_shake256 = 0x08,
    qstp_configuration_set_dilithium5_mceliece7_rcs256_shake256 = 0x09,
    qstp_configuration_set_sphincsplus1s_mceliece1_rcs256_shake256 = 0x0A,
    qstp_configuration_set_sphincsplus3s_mceliece3_rcs256_shake256 = 0x0B,
    qstp_configuration_set_sphincsplus5s_mceliece5_rcs256_shake256 = 0x0C,
    qstp_configuration_set_sphincsplus5s_mceliece6_rcs256_shake256 = 0x0D,
    qstp_configuration_set_sphincsplus5s_mceliece7_rcs256_shake256 = 0x0E
} qstp_configuration_sets;

/* Logging messages (qstp.h qstp_messages). */
typedef enum qstp_messages {
    qstp_messages_none = 0x00,
    qstp_messages_accept_fail = 0x01,
    qstp_messages_listen_fail = 0x02,
    qstp_messages_bind_fail = 0x03,
    qstp_messages_create_fail = 0x04,
    qstp_messages_connect_success = 0x05,
    qstp_messages_receive_fail = 0x06,
    qstp_messages_allocate_fail = 0x07,
    qstp_messages_kex_fail = 0x08,
    qstp_messages_disconnect = 0x09,
    qstp_messages_disconnect_fail = 0x0A,
    qstp_messages_socket_message = 0x0B,
    qstp_messages_queue_empty = 0x0C,
    qstp_messages_listener_fail = 0x0D,
    qstp_messages_sockalloc_fail = 0x0E,
    qstp_messages_decryption_fail = 0x0F,
    qstp_messages_connection_fail = 0x10,
    qstp_messages_invalid_request = 0x11,
    qstp_messages_symmetric_ratchet = 0x12
} qstp_messages;
/* qstp_flags: flags.h. qstp_errors: errors.h (reference values 0x00..0x1B, then project codes). */

/* ---------------------------------------------------------------- types */

typedef qstp_root_key qstp_root_signature_key;
typedef qstp_server_key qstp_server_signature_key;

/* QSC address types used by the guide's connect functions (only the address bytes). */
typedef struct qsc_ipinfo_ipv4_address {
    uint8_t ipv4[4];
} qsc_ipinfo_ipv4_address;
typedef struct qsc_ipinfo_ipv6_address {
    uint8_t ipv6[16];
} qsc_ipinfo_ipv6_address;
/* The guide's server start takes a listener socket; ours binds its own (the reference binds the
 * any-address on port 32119 regardless, §9.1), so the argument is ignored and may be NULL. */
typedef struct qsc_socket qsc_socket;

/* A packet (qstp.h qstp_network_packet): pmessage points at a caller buffer of msglen bytes. */
typedef struct qstp_network_packet {
    uint8_t flag;
    uint32_t msglen;
    uint64_t sequence;
    uint64_t utctime;
    uint8_t *pmessage;
} qstp_network_packet;

/* One connection as the guide's callbacks see it. Public fields as in the guide; target is the
 * socket descriptor (client side) or -1 (server side: the event loop owns the socket). rxseq and
 * txseq are informational (the session keeps the real counters); exflag is
 * qstp_flag_session_established while the tunnel is up. */
typedef struct qstp_connection_state {
    int target;
    uint64_t rxseq;
    uint64_t txseq;
    uint32_t cid;
    qstp_flags exflag;
    bool receiver; /* true on the server side */
    /* ---- private ---- */
    struct qstp_client *client_;
    qstp_tunnel_id tunnel_;
    struct qstp_connection_state *next_;
    int active_;
} qstp_connection_state;

/* ---------------------------------------------------------------- root (root.h) */

/* Generates a root key of the default set (0x03) valid for exp days from now; issuer is a C
 * string (at most 31 characters used; the guide spells it char[32], which would make compilers
 * insist on 32 readable bytes). On failure the key is zeroed. */
void qstp_compat_root_key_generate(qstp_root_signature_key *kset,
                                   const char *issuer, uint32_t exp);
/* Writes the root certificate to fpath (binary form, §8.1; atomic, mode 0644). */
bool qstp_root_certificate_export(const qstp_root_certificate *root, const char *fpath);
/* Loads the server certificate at fpath, signs it with the root signing key (rootkey: the
 * root's secret key bytes, suite->sig_sk_size of them) and writes it back in the same encoding.
 * The root certificate supplies the root serial, expiry and set (§8.6). */
bool qstp_root_sign_certificate(const char *fpath, const qstp_root_certificate *root,
                                const uint8_t *rootkey);
/* The guide's revocation request over the network: a root-signed notice revoking the server
 * certificate `serial` (16 bytes) now, sent to the server at address, port 32119 (or the port
 * set with qstp_compat_server_port); docs/PROTOCOL.md "## Revocation". The reference never
 * implemented it (§8.11). A notice must name the root serial and set, which a bare signing key
 * does not carry, so `rootkey` is the whole root key (as made by qstp_root_key_generate or
 * loaded from root_secret_key.qsk), not the raw signing-key bytes the guide's uint8_t* suggests:
 * the type changed so that passing the bytes fails to compile instead of misreading memory.
 * Returns qstp_error_none if the server accepted it (the key is withdrawn), the server's refusal
 * code, or the local failure (invalid_input, connection_failure, receive_failure, ...). */
qstp_errors qstp_root_certificate_revoke(const qstp_root_signature_key *rootkey,
                                         const uint8_t *serial,
                                         const qsc_ipinfo_ipv4_address *address);
/* Print the certificate in the reference's text form (§8.9) to standard output. */
void qstp_root_certificate_print(const qstp_root_certificate *root);
void qstp_root_server_certificate_print(const qstp_server_certificate *cert);

/* ---------------------------------------------------------------- server (server.h) */

/* True while now lies within the key's validity (from, with the §2.2 tolerance, to to). */
bool qstp_server_expiration_check(const qstp_server_signature_key *kset);
/* Server key of the default set (0x03); exp is clamped to 1..730 days (§8.8). schash is zero
 * until qstp_server_key_set_schash (the server refuses a key without it, §9.1). */
void qstp_compat_server_key_generate(qstp_server_signature_key *kset,
                                     const char *issuer, uint32_t exp);
/* Start the server on 0.0.0.0 (ipv4) or :: (ipv6, dual stack) port 32119 with the net layer's
 * defaults and at most qstp_connections_size() tunnels (QSTP_CONNECTIONS_MAX unless
 * qstp_connections_initialize said otherwise). Blocks until qstp_server_quit() (from any thread,
 * also from a callback); then every tunnel gets a close record and the function returns
 * qstp_error_none. receive_callback gets each record's plaintext; disconnect_callback is called
 * when a tunnel ends. Only one compat server runs at a time (the guide's API is global):
 * a second start returns qstp_error_listener_fail. */
qstp_errors qstp_server_start_ipv4(qsc_socket *source, const qstp_server_signature_key *kset,
                                   void (*receive_callback)(qstp_connection_state *, const char *, size_t),
                                   void (*disconnect_callback)(qstp_connection_state *));
qstp_errors qstp_server_start_ipv6(qsc_socket *source, const qstp_server_signature_key *kset,
                                   void (*receive_callback)(qstp_connection_state *, const char *, size_t),
                                   void (*disconnect_callback)(qstp_connection_state *));
/* Our addition: the port the next start binds (0 = QSTP_SERVER_PORT). For tests and hosts that
 * run more than one service; the guide has no port argument. */
void qstp_compat_server_port(uint16_t port);
void qstp_compat_server_pause(void);
void qstp_compat_server_resume(void);
void qstp_compat_server_quit(void);

/* ---------------------------------------------------------------- client (client.h) */

/* Verify the certificate (§9.2 step 1), connect, handshake, start the receive thread (which calls
 * receive_callback), call send_func on this thread, and when it returns send the close record
 * and close (§9.2 step 7). Returns qstp_error_none or why it failed (certificate errors use the
 * precise codes of cert.h rather than the reference's 0x1A for all). */
qstp_errors qstp_client_connect_ipv4(const qstp_root_certificate *root,
                                     const qstp_server_certificate *cert,
                                     const qsc_ipinfo_ipv4_address *address, uint16_t port,
                                     void (*send_func)(qstp_connection_state *),
                                     void (*receive_callback)(qstp_connection_state *, const char *, size_t));
qstp_errors qstp_client_connect_ipv6(const qstp_root_certificate *root,
                                     const qstp_server_certificate *cert,
                                     const qsc_ipinfo_ipv6_address *address, uint16_t port,
                                     void (*send_func)(qstp_connection_state *),
                                     void (*receive_callback)(qstp_connection_state *, const char *, size_t));

/* ---------------------------------------------------------------- connections (qstp.h) */

/* Close the tunnel. The close record (§3.4) is always sent after establishment (notify is
 * honoured only in that an unestablished state has nothing to notify). */
void qstp_connection_close(qstp_connection_state *cns, qstp_errors err, bool notify);
/* Zero the public fields (the guide's "reset the state"). */
void qstp_connection_state_dispose(qstp_connection_state *cns);
/* Our addition, for both sides: encrypt and send msglen bytes. */
qstp_errors qstp_connection_send(qstp_connection_state *cns, const uint8_t *message, size_t msglen);

/* Encrypt one record (§5.1) for a client connection into packetout (header fields set,
 * pmessage must hold msglen + QSTP_MACTAG_SIZE bytes); send it with qstp_packet_to_stream and a
 * socket write on cns->target, in order. Server-side states return qstp_error_invalid_request:
 * the event loop owns their socket, so send with qstp_connection_send. */
qstp_errors qstp_encrypt_packet(qstp_connection_state *cns, qstp_network_packet *packetout,
                                const uint8_t *message, size_t msglen);
/* The net layer decrypts on its own receive path and hands plaintext to receive_callback, so a
 * connection's packets are never decrypted by the application: returns
 * qstp_error_invalid_request (and *msglen = 0). */
qstp_errors qstp_decrypt_packet(qstp_connection_state *cns, uint8_t *message, size_t *msglen,
                                const qstp_network_packet *packetin);

/* ---------------------------------------------------------------- packets (qstp.h) */

/* Fill the header fields; utctime = now (true Unix UTC, §2.2). */
void qstp_header_create(qstp_network_packet *packetout, qstp_flags flag, uint64_t sequence,
                        uint32_t msglen);
/* §2.5 in the reference's order; on success cns->rxseq is incremented (as the reference does). */
qstp_errors qstp_header_validate(qstp_connection_state *cns, const qstp_network_packet *packetin,
                                 qstp_flags flag, uint64_t sequence, uint32_t msglen);
void qstp_compat_packet_header_serialize(const qstp_network_packet *packet, uint8_t *header);
void qstp_compat_packet_header_deserialize(const uint8_t *header, qstp_network_packet *packet);
/* header || pmessage[0..msglen); returns the byte count. */
size_t qstp_packet_to_stream(const qstp_network_packet *packet, uint8_t *pstream);
/* Zero the header fields and msglen bytes of pmessage (when set). */
void qstp_packet_clear(qstp_network_packet *packet);
/* §3.3 error packet fields: flag 0x13, msglen 1, ERROR_SEQUENCE, pmessage[0] = wire code. */
void qstp_packet_error_message(qstp_network_packet *packet, qstp_errors error);

/* ---------------------------------------------------------------- strings */
/* qstp_error_to_string(qstp_errors): errors.h. */
const char *qstp_get_error_description(qstp_messages emsg);
/* Protocol string (§1.1) to id; qstp_configuration_set_none if unknown. */
qstp_configuration_sets qstp_configuration_from_string(const char *config);
/* Id to protocol string; NULL if unknown. */
const char *qstp_configuration_to_string(qstp_configuration_sets cset);

/* ---------------------------------------------------------------- connections.h
 * The compat server's table of connection states (one entry per tunnel). Sizes count slots;
 * the table is made by qstp_connections_initialize or, with QSTP_CONNECTIONS_MAX slots, by the
 * server start. Entries are owned by the server: they are valid from the first receive callback
 * until the disconnect callback returns. */
bool qstp_connections_active(size_t index);
qstp_connection_state *qstp_connections_add(void);
size_t qstp_connections_available(void);
qstp_connection_state *qstp_connections_get(uint32_t instance);
void qstp_connections_initialize(size_t count, size_t maximum);
void qstp_connections_clear(void);
void qstp_connections_dispose(void);
qstp_connection_state *qstp_connections_index(size_t index);
bool qstp_connections_full(void);
qstp_connection_state *qstp_connections_next(void);
void qstp_connections_reset(uint32_t instance);
size_t qstp_connections_size(void);

#if !defined(QSTP_COMPAT_NO_RENAME)
#define qstp_root_key_generate qstp_compat_root_key_generate
#define qstp_server_key_generate qstp_compat_server_key_generate
#define qstp_server_pause qstp_compat_server_pause
#define qstp_server_resume qstp_compat_server_resume
#define qstp_server_quit qstp_compat_server_quit
#define qstp_packet_header_serialize qstp_compat_packet_header_serialize
#define qstp_packet_header_deserialize qstp_compat_packet_header_deserialize
#endif

#endif
