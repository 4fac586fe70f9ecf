/* The integration guide's API (compat.h): strings and packet helpers, root/server key and
 * certificate functions through files, and a guide-style server and client over 127.0.0.1
 * (echo through qstp_encrypt_packet + qstp_packet_to_stream + a socket write, and through
 * qstp_connection_send), pause/quit. Names are the guide's (compat.h renames seven of them). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net/keyfile.h"
#include "qstp/compat.h"
#include "test.h"

static qstp_root_signature_key rootkey;
static qstp_root_certificate root;
static qstp_server_signature_key skey;
static qstp_server_certificate cert;

static void test_strings_and_packets(void)
{
    qstp_network_packet p, q;
    uint8_t hdr[QSTP_PACKET_HEADER_SIZE], stream[64], body[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, code[1];
    qstp_connection_state cns;
    CHECK(qstp_configuration_from_string("dilithium-s5_kyber-s5_rcs-256_sha3-256") ==
          qstp_configuration_set_dilithium5_kyber5_rcs256_shake256);
    CHECK(qstp_configuration_from_string("nonsense") == qstp_configuration_set_none);
    CHECK(strcmp(qstp_configuration_to_string(qstp_configuration_set_sphincsplus1s_mceliece1_rcs256_shake256),
                 "sphincs-s1_mceliece-s1_rcs-256_sha3-256") == 0);
    CHECK(qstp_configuration_to_string((qstp_configuration_sets)0x0F) == NULL);
    CHECK(qstp_get_error_description(qstp_messages_kex_fail) != NULL);
    CHECK(qstp_get_error_description((qstp_messages)0x40) == NULL);
    CHECK(qstp_error_to_string(qstp_error_key_expired) != NULL);

    memset(&p, 0, sizeof(p));
    qstp_header_create(&p, qstp_flag_connect_request, 0, 58);
    CHECK(p.flag == 1 && p.msglen == 58 && p.sequence == 0 && p.utctime > 1700000000u);
    qstp_packet_header_serialize(&p, hdr);
    CHECK(hdr[0] == 0x01 && hdr[1] == 58 && hdr[2] == 0);
    memset(&q, 0, sizeof(q));
    qstp_packet_header_deserialize(hdr, &q);
    CHECK(q.flag == p.flag && q.msglen == p.msglen && q.sequence == p.sequence && q.utctime == p.utctime);
    memset(&cns, 0, sizeof(cns));
    CHECK(qstp_header_validate(&cns, &q, qstp_flag_connect_request, 0, 58) == qstp_error_none);
    CHECK(cns.rxseq == 1);
    CHECK(qstp_header_validate(&cns, &q, qstp_flag_connect_request, 0, 57) == qstp_error_receive_failure);
    CHECK(qstp_header_validate(&cns, &q, qstp_flag_connect_request, 1, 58) == qstp_error_packet_unsequenced);
    q.utctime -= 1000;
    CHECK(qstp_header_validate(&cns, &q, qstp_flag_connect_request, 0, 58) == qstp_error_message_time_invalid);
    q.flag = qstp_flag_error_condition;
    CHECK(qstp_header_validate(&cns, &q, qstp_flag_connect_request, 0, 58) == qstp_error_connection_failure);
    CHECK(cns.rxseq == 1);

    p.pmessage = body;
    p.msglen = sizeof(body);
    CHECK(qstp_packet_to_stream(&p, stream) == QSTP_PACKET_HEADER_SIZE + sizeof(body));
    CHECK(memcmp(stream + QSTP_PACKET_HEADER_SIZE, body, sizeof(body)) == 0);
    qstp_packet_clear(&p);
    CHECK(p.msglen == 0 && body[0] == 0);
    p.pmessage = code;
    qstp_packet_error_message(&p, qstp_error_certificate_expired); /* project code: mapped */
    CHECK(p.flag == 0x13 && p.msglen == 1 && p.sequence == QSTP_PACKET_ERROR_SEQUENCE);
    CHECK(code[0] == qstp_error_wire_code(qstp_error_certificate_expired) && code[0] <= 0x1A);
}

static void test_keys_and_files(void)
{
    char dir[] = "/tmp/qstp_compat_XXXXXX", path[256], rpath[256];
    qstp_server_certificate loaded;
    qstp_root_certificate rloaded;
    qstp_server_signature_key old;
    CHECK(mkdtemp(dir) != NULL);
    qstp_root_key_generate(&rootkey, "QSTP_compat.qrr", 30);
    CHECK(rootkey.algorithm == qstp_configuration_set_dilithium5_kyber5_rcs256_shake256);
    CHECK(qstp_root_certificate_extract(&root, &rootkey, NULL, NULL) == 0);
    qstp_server_key_generate(&skey, "QSTP_compat.qrc", 5000); /* clamped to 730 days */
    CHECK(skey.to - skey.from == 730u * 86400u);
    CHECK(qstp_server_expiration_check(&skey));
    memcpy(&old, &skey, sizeof(old));
    old.to = (uint64_t)time(NULL) - 10;
    CHECK(!qstp_server_expiration_check(&old));
    qstp_server_key_clear(&old);

    snprintf(rpath, sizeof(rpath), "%s/root.qrr", dir);
    CHECK(qstp_root_certificate_export(&root, rpath));
    CHECK(qstp_keyfile_load_root_certificate(rpath, &rloaded, NULL) == 0);
    CHECK(memcmp(rloaded.serial, root.serial, 16) == 0);

    /* The server writes its unsigned certificate; the root signs the file in place. */
    CHECK(qstp_server_certificate_extract(&cert, &skey) == 0);
    snprintf(path, sizeof(path), "%s/server.qrc", dir);
    CHECK(qstp_keyfile_save_server_certificate(path, &cert, QSTP_ENCODING_BINARY) == 0);
    CHECK(qstp_root_sign_certificate(path, &root, rootkey.sigkey));
    CHECK(qstp_keyfile_load_server_certificate(path, &loaded, NULL) == 0);
    CHECK(qstp_server_certificate_verify(&loaded, &root, (uint64_t)time(NULL)) == 0);
    memcpy(&cert, &loaded, sizeof(cert));
    CHECK(!qstp_root_sign_certificate("/nonexistent/x.qrc", &root, rootkey.sigkey));
    CHECK(qstp_root_certificate_revoke(&rootkey, skey.serial, NULL) == qstp_error_invalid_input);
    {
        /* nothing listens on port 1 of loopback: a local connection failure, not a verdict */
        qsc_ipinfo_ipv4_address lo = { { 127, 0, 0, 1 } };
        qstp_compat_server_port(1);
        CHECK(qstp_root_certificate_revoke(&rootkey, skey.serial, &lo) == qstp_error_connection_failure);
        qstp_compat_server_port(0);
    }
    CHECK(qstp_server_key_set_schash(&skey, &root, &cert) == 0);
    unlink(path);
    unlink(rpath);
    rmdir(dir);
}

/* ---- guide-style server and client ---- */
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static uint8_t got[4096];
static size_t gotlen;
static int disconnects, server_records, server_state_bad;
static qstp_errors server_result = qstp_error_last_;
static uint16_t port;

static void server_receive(qstp_connection_state *cns, const char *msg, size_t len)
{
    pthread_mutex_lock(&mtx);
    server_records++;
    /* checked on the main thread: the test counters are not thread-safe */
    if (!cns->receiver || cns->exflag != qstp_flag_session_established)
        server_state_bad++;
    pthread_mutex_unlock(&mtx);
    (void)qstp_connection_send(cns, (const uint8_t *)msg, len); /* echo */
}

static void server_disconnect(qstp_connection_state *cns)
{
    (void)cns;
    pthread_mutex_lock(&mtx);
    disconnects++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mtx);
}

static void *server_thread(void *arg)
{
    qstp_errors r;
    (void)arg;
    r = qstp_server_start_ipv4(NULL, &skey, server_receive, server_disconnect);
    pthread_mutex_lock(&mtx);
    server_result = r;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mtx);
    return NULL;
}

static void client_receive(qstp_connection_state *cns, const char *msg, size_t len)
{
    (void)cns;
    pthread_mutex_lock(&mtx);
    if (gotlen + len <= sizeof(got)) {
        memcpy(got + gotlen, msg, len);
        gotlen += len;
    }
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mtx);
}

static int wait_got(size_t n)
{
    struct timespec ts;
    int ok;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 5;
    pthread_mutex_lock(&mtx);
    while (gotlen < n && pthread_cond_timedwait(&cv, &mtx, &ts) == 0)
        ;
    ok = gotlen >= n;
    pthread_mutex_unlock(&mtx);
    return ok;
}

static void client_send(qstp_connection_state *cns)
{
    static const uint8_t m1[] = "first record, via qstp_encrypt_packet";
    static const uint8_t m2[] = "second record, via qstp_connection_send";
    uint8_t body[128], stream[256];
    qstp_network_packet p;
    size_t n;
    memset(&p, 0, sizeof(p));
    p.pmessage = body;
    CHECK(cns->target >= 0 && cns->exflag == qstp_flag_session_established);
    /* §9.2 step 6: the application's own send path. */
    CHECK(qstp_encrypt_packet(cns, &p, m1, sizeof(m1)) == qstp_error_none);
    CHECK(p.flag == qstp_flag_encrypted_message && p.sequence == 3 && p.msglen == sizeof(m1) + 32);
    n = qstp_packet_to_stream(&p, stream);
    CHECK(send(cns->target, stream, n, MSG_NOSIGNAL) == (ssize_t)n);
    CHECK(wait_got(sizeof(m1)));
    CHECK(memcmp(got, m1, sizeof(m1)) == 0);
    CHECK(qstp_connection_send(cns, m2, sizeof(m2)) == qstp_error_none);
    CHECK(wait_got(sizeof(m1) + sizeof(m2)));
    CHECK(memcmp(got + sizeof(m1), m2, sizeof(m2)) == 0);
    CHECK(qstp_connections_size() == QSTP_CONNECTIONS_MAX);
    CHECK(qstp_connections_available() == QSTP_CONNECTIONS_MAX - 1);
    CHECK(qstp_connections_active(0) && !qstp_connections_full());
    CHECK(qstp_connections_get(qstp_connections_index(0)->cid) == qstp_connections_index(0));
    {
        size_t len = 99;
        CHECK(qstp_decrypt_packet(cns, body, &len, &p) == qstp_error_invalid_request && len == 0);
    }
}

static void test_server_and_client(void)
{
    pthread_t th;
    qsc_ipinfo_ipv4_address a = { { 127, 0, 0, 1 } };
    qstp_errors r = qstp_error_connection_failure;
    {
        /* A port the kernel says is free now (the guide's server has no ephemeral option). */
        struct sockaddr_in sa;
        socklen_t sl = sizeof(sa);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
              getsockname(fd, (struct sockaddr *)&sa, &sl) == 0);
        port = ntohs(sa.sin_port);
        close(fd);
    }
    qstp_compat_server_port(port);
    pthread_create(&th, NULL, server_thread, NULL);
    for (int i = 0; i < 100 && r != qstp_error_none; i++) {
        usleep(20000); /* until the server listens */
        r = qstp_client_connect_ipv4(&root, &cert, &a, port, client_send, client_receive);
    }
    CHECK_MSG(r == qstp_error_none, "client: %s", qstp_error_to_string(r));
    /* A second compat server cannot start while one runs. */
    CHECK(qstp_server_start_ipv6(NULL, &skey, server_receive, NULL) == qstp_error_listener_fail);
    /* Paused: a new client is refused. */
    qstp_server_pause();
    gotlen = 0;
    r = qstp_client_connect_ipv4(&root, &cert, &a, port, client_send, client_receive);
    CHECK(r == qstp_error_connection_failure);
    qstp_server_resume();
    /* The guide's revocation request reaches the server and gets its verdict back: this compat
     * server was started without a root certificate, so it refuses the notice (with a code of
     * its own, not a local network failure). */
    r = qstp_root_certificate_revoke(&rootkey, skey.serial, &a);
    CHECK_MSG(r != qstp_error_none && r != qstp_error_connection_failure &&
                  r != qstp_error_receive_failure && r != qstp_error_transmit_failure,
              "revoke: %s", qstp_error_to_string(r));
    qstp_server_quit();
    pthread_join(th, NULL);
    CHECK(server_result == qstp_error_none);
    CHECK(disconnects == 1);
    CHECK(server_records == 2);
    CHECK(server_state_bad == 0);
    qstp_connections_dispose();
}

int main(void)
{
    test_strings_and_packets();
    test_keys_and_files();
    test_server_and_client();
    qstp_root_key_clear(&rootkey);
    qstp_server_key_clear(&skey);
    return test_report();
}
