/* Session configuration from certificates and keys (include/qstp/session.h, cert.h). */
#include <string.h>

#include "crypto/ct.h"
#include "qstp/cert.h"
#include "qstp/session.h"

int qstp_client_config_from_certs(qstp_client_config *cfg, const qstp_root_certificate *root,
                                  const qstp_server_certificate *cert)
{
    const qstp_suite *su = qstp_suite_by_id(cert->algorithm);
    memset(cfg, 0, sizeof(*cfg));
    if (su == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    /* §4.2: sch0 = H(RootHash || ServerHash). */
    if (qstp_certificate_chain_hash(cfg->sch0, root, cert) != 0) {
        memset(cfg, 0, sizeof(*cfg));
        return qstp_fail(qstp_error_unknown_configuration);
    }
    cfg->suite = su;
    memcpy(cfg->server_serial, cert->serial, sizeof(cfg->server_serial));
    cfg->server_verkey = cert->verkey;
    cfg->server_expiration_to = cert->to;
    return 0;
}

int qstp_server_keyref_from_key(qstp_server_keyref *ref, const qstp_server_key *key)
{
    const qstp_suite *su = qstp_suite_by_id(key->algorithm);
    memset(ref, 0, sizeof(*ref));
    if (su == NULL)
        return qstp_fail(qstp_error_unknown_configuration);
    ref->suite = su;
    memcpy(ref->serial, key->serial, sizeof(ref->serial));
    memcpy(ref->sch0, key->schash, sizeof(ref->sch0));
    ref->sigkey = key->sigkey;
    ref->expiration_to = key->to;
    return 0;
}

size_t qstp_server_keyref_precompute_size(const qstp_server_keyref *ref)
{
    if (ref == NULL || ref->suite == NULL || ref->suite->sig_precompute == NULL)
        return 0;
    return ref->suite->sig_precomp_size;
}

int qstp_server_keyref_precompute(qstp_server_keyref *ref, void *mem, size_t memlen)
{
    const size_t need = qstp_server_keyref_precompute_size(ref);
    if (need == 0 || ref->sigkey == NULL || mem == NULL || memlen < need)
        return qstp_fail(qstp_error_invalid_input);
    /* The suite's adapter checks alignment and the key, and wipes mem if the key is bad. */
    if (ref->suite->sig_precompute(mem, memlen, ref->sigkey) != 0) {
        qstp_wipe(mem, memlen);
        return qstp_fail(qstp_error_invalid_input);
    }
    ref->sig_precomp = mem;
    return 0;
}

void qstp_server_keyref_precompute_wipe(qstp_server_keyref *ref)
{
    if (ref == NULL || ref->sig_precomp == NULL)
        return;
    if (ref->suite != NULL && ref->suite->sig_precomp_wipe != NULL)
        ref->suite->sig_precomp_wipe(ref->sig_precomp);
    ref->sig_precomp = NULL;
}
