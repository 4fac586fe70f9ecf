/* Reference certificates and keys (vectors/reference/mldsa87/{deterministic,apps}/, produced by
 * the QRCS reference, set 0x03): parse, re-serialize byte-exactly, hashes (§8.5), sch0 from
 * transcript_deterministic.txt, verification against the root, and re-signing with the
 * reference's deterministic ML-DSA gives the reference bytes. */
#include <stdlib.h>
#include <string.h>

#include "qstp/cert.h"
#include "test.h"

#define REF "vectors/reference/mldsa87/"

static qstp_root_certificate root, root2;
static qstp_server_certificate srv, srv2, unsigned_srv;
static qstp_root_key rkey;
static qstp_server_key skey;
static uint8_t out[65536];

static uint8_t *load(const char *rel, size_t *len)
{
    const char *p = test_vector_path(rel);
    if (p == NULL)
        return NULL;
    return (uint8_t *)test_read_file(p, len);
}

/* transcript_deterministic.txt: "... sch0 = ... = <hex>" */
static int read_sch0(uint8_t sch0[32])
{
    size_t len;
    char *t = (char *)load(REF "transcript_deterministic.txt", &len);
    int ok = 0;
    if (t == NULL)
        return 0;
    char *line = strstr(t, "server_certificate_chain_hash sch0");
    if (line != NULL) {
        char *eol = strchr(line, '\n');
        if (eol)
            *eol = 0;
        char *eq = strrchr(line, '=');
        if (eq != NULL && test_hex_decode(sch0, 32, eq + 2) == 32)
            ok = 1;
    }
    free(t);
    return ok;
}

/* The connect request (packet 1) of a transcript: "field <name> (...) = <hex>". */
static int read_field(const char *rel, const char *name, uint8_t *dst, size_t n)
{
    size_t len;
    char *t = (char *)load(rel, &len);
    int ok = 0;
    if (t == NULL)
        return 0;
    char *line = strstr(t, name);
    if (line != NULL) {
        char *eq = strstr(line, ") = ");
        char *end = eq ? strpbrk(eq + 4, " \n") : NULL;
        if (end)
            *end = 0;
        if (eq != NULL && test_hex_decode(dst, n, eq + 4) == n)
            ok = 1;
    }
    free(t);
    return ok;
}

static void check_dir(const char *dir, const char *server_cert_name, int deterministic)
{
    char path[256];
    size_t len, n;
    uint8_t *buf, hash[32];
    const qstp_suite *s = qstp_suite_by_id(0x03);

    printf("-- %s\n", dir);
    /* root certificate */
    snprintf(path, sizeof path, REF "%s/root_public_cert.qrr", dir);
    buf = load(path, &len);
    CHECK(buf != NULL && len == 7317);
    if (buf == NULL)
        return;
    CHECK(qstp_root_certificate_deserialize(&root, buf, len) == 0);
    CHECK(root.algorithm == 0x03 && root.version == 1);
    CHECK(root.to > root.from);
    CHECK(qstp_root_certificate_serialize(out, sizeof out, &n, &root) == 0 && n == len);
    CHECK_BYTES(out, buf, len, "root certificate re-serialized");
    CHECK(qstp_root_certificate_hash(hash, &root) == 0);
    CHECK_BYTES(hash, root.csig + s->sig_size, 32, "RootHash == hash attached to csig");
    /* truncated / oversized */
    CHECK(qstp_root_certificate_deserialize(&root2, buf, len - 1) == qstp_fail(qstp_error_malformed));
    memcpy(out, buf, len);
    out[len] = 0x03;
    out[len - 1] = 0x01;
    CHECK(qstp_root_certificate_deserialize(&root2, out, len + 1) < 0);
    free(buf);

    /* root key */
    snprintf(path, sizeof path, REF "%s/root_secret_key.qsk", dir);
    buf = load(path, &len);
    CHECK(buf != NULL && len == 7554);
    if (buf == NULL)
        return;
    CHECK(qstp_root_key_deserialize(&rkey, buf, len) == 0);
    CHECK(qstp_root_key_serialize(out, sizeof out, &n, &rkey) == 0 && n == len);
    CHECK_BYTES(out, buf, len, "root key re-serialized");
    CHECK_BYTES(rkey.verkey, root.verkey, 2592, "root key verkey == root cert verkey");
    CHECK_BYTES(rkey.serial, root.serial, 16, "root key serial");
    CHECK(rkey.from == root.from && rkey.to == root.to);
    free(buf);

    /* server certificate (root-signed) */
    snprintf(path, sizeof path, REF "%s/%s", dir, server_cert_name);
    buf = load(path, &len);
    CHECK(buf != NULL && len == 7333);
    if (buf == NULL)
        return;
    CHECK(qstp_server_certificate_deserialize(&srv, buf, len) == 0);
    CHECK(qstp_server_certificate_serialize(out, sizeof out, &n, &srv) == 0 && n == len);
    CHECK_BYTES(out, buf, len, "server certificate re-serialized");
    CHECK(qstp_server_certificate_hash(hash, &srv) == 0);
    CHECK_BYTES(hash, srv.csig + s->sig_size, 32, "ServerHash == hash attached to csig");
    CHECK_BYTES(srv.rootser, root.serial, 16, "rootser == root serial");
    CHECK(qstp_server_certificate_deserialize(&srv2, buf, len + 0) == 0);
    CHECK(qstp_server_certificate_deserialize(&srv2, buf, 7317) < 0); /* a root-sized prefix */
    free(buf);

    /* the connect request on the wire names this certificate and set 0x03 (§4.3) */
    {
        uint8_t want[42], field[42];
        snprintf(path, sizeof path, REF "%s", deterministic ? "transcript_deterministic.txt" : "apps/transcript_apps.txt");
        CHECK(read_field(path, "field server_certificate_serial", want, 16));
        CHECK_BYTES(srv.serial, want, 16, "server serial == connect request serial");
        CHECK(read_field(path, "field protocol_set", want, 42));
        qstp_suite_protocol_field(s, field);
        CHECK_BYTES(field, want, 42, "42-byte protocol field == connect request");
        CHECK(qstp_suite_by_protocol_field(want) == s);
    }

    /* server key */
    snprintf(path, sizeof path, REF "%s/server_secret_key.qsk", dir);
    buf = load(path, &len);
    CHECK(buf != NULL && len == 7586);
    if (buf == NULL)
        return;
    CHECK(qstp_server_key_deserialize(&skey, buf, len) == 0);
    { static const uint8_t z[32]; CHECK_BYTES(skey.schash, z, 32, "schash stored as zeros"); }
    CHECK(qstp_server_key_serialize_file(out, sizeof out, &n, &skey) == 0 && n == len);
    CHECK_BYTES(out, buf, len, "server key re-serialized");
    CHECK(qstp_server_key_matches_certificate(&skey, &srv) == 0);
    free(buf);

    if (deterministic) {
        uint8_t sch0[32], want[32];
        CHECK(read_sch0(want));
        CHECK(qstp_certificate_chain_hash(sch0, &root, &srv) == 0);
        CHECK_BYTES(sch0, want, 32, "sch0 (transcript_deterministic.txt)");
        CHECK(qstp_server_key_set_schash(&skey, &root, &srv) == 0);
        CHECK_BYTES(skey.schash, want, 32, "server key schash");

        /* the unsigned certificate equals the one extracted from the server key */
        buf = load(REF "deterministic/qstp_refhost.qrc.unsigned", &len);
        CHECK(buf != NULL && len == 7333);
        if (buf != NULL) {
            CHECK(qstp_server_certificate_deserialize(&unsigned_srv, buf, len) == 0);
            CHECK(qstp_server_certificate_extract(&srv2, &skey) == 0);
            CHECK(qstp_server_certificate_serialize(out, sizeof out, &n, &srv2) == 0 && n == len);
            CHECK_BYTES(out, buf, len, "unsigned certificate == extract(server key)");
            free(buf);
        }
    }

    uint64_t now = srv.from + 1000;
    CHECK(qstp_root_certificate_verify(&root, now) == 0);
    CHECK(qstp_server_certificate_verify(&srv, &root, now) == 0);
    /* re-extracting the root certificate from the root key re-signs deterministically (§8.6) */
    CHECK(qstp_root_certificate_extract(&root2, &rkey, NULL, NULL) == 0);
    CHECK_BYTES(root2.csig, root.csig, s->signed_hash_size, "root self-signature re-created");
    if (deterministic) {
        memcpy(&srv2, &unsigned_srv, sizeof srv2);
        CHECK(qstp_server_certificate_sign(&srv2, &rkey, NULL, NULL) == 0);
        CHECK(qstp_server_certificate_serialize(out, sizeof out, &n, &srv2) == 0);
        CHECK_BYTES(out + 0, srv.csig, s->signed_hash_size, "root signature over the server cert");
        CHECK(memcmp(srv2.rootser, root.serial, 16) == 0 && srv2.to == srv.to);
    }
}

int main(void)
{
    check_dir("deterministic", "qstp_refhost.qrc", 1);
    check_dir("apps", "qstp_vm.qrc", 0);
    return test_report();
}
