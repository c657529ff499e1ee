#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)] // test code: a failed unwrap or index is a failed test

//! Outgoing HTTP speaks TLS: a client built the way every service builds its clients
//! (`build_client`, which installs the process's one crypto provider, ring) reaches an
//! https server whose certificate a test CA signed, and refuses it when that CA is not
//! trusted.

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A CA, and a certificate for `localhost` it signed: (CA PEM, leaf DER, leaf key DER).
fn test_pki() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Pupero test CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::from_params(&ca, &ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    (
        ca_cert.pem(),
        leaf.der().clone(),
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
    )
}

/// Serves `ok` over TLS to every connection; returns the port.
async fn tls_server(cert: CertificateDer<'static>, key: PrivateKeyDer<'static>) -> u16 {
    pupero_http::tls::install_crypto_provider();
    let config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = tls
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                    )
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test]
async fn an_https_call_reaches_a_server_the_trusted_ca_signed() {
    let (ca_pem, cert, key) = test_pki();
    let port = tls_server(cert, key).await;
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap();
    let client =
        pupero_http::build_client("test", reqwest::Client::builder().tls_certs_only([ca])).unwrap();
    let response = client
        .get(format!("https://localhost:{port}/prices"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn an_https_call_to_an_untrusted_certificate_fails() {
    let (_, cert, key) = test_pki();
    let port = tls_server(cert, key).await;
    // Another CA than the one that signed the server's certificate.
    let (other_ca, _, _) = test_pki();
    let ca = reqwest::Certificate::from_pem(other_ca.as_bytes()).unwrap();
    let client =
        pupero_http::build_client("test", reqwest::Client::builder().tls_certs_only([ca])).unwrap();
    let error = client
        .get(format!("https://localhost:{port}/prices"))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error:?}");
}
