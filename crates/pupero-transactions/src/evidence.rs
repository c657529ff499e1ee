//! Dispute evidence files: what kind a file is, judged from its first bytes alone (never
//! its name or the type its uploader declared), and the file with the metadata an image
//! carries (camera, place, time, software, comments) taken out of its bytes.
//!
//! Only four kinds are accepted: PNG, JPEG and WebP images, and PDF documents. The image
//! formats are walked chunk by chunk (segment by segment for JPEG) and rebuilt without the
//! metadata blocks; a file whose structure does not hold together is refused rather than
//! stored half-understood. A PDF is stored as sent (its metadata is not removed; see
//! docs/SECURITY.md).

use sha2::{Digest, Sha256};

/// The kinds of evidence file the platform accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    Png,
    Jpeg,
    Webp,
    Pdf,
}

impl EvidenceKind {
    /// The content type the file is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            EvidenceKind::Png => "image/png",
            EvidenceKind::Jpeg => "image/jpeg",
            EvidenceKind::Webp => "image/webp",
            EvidenceKind::Pdf => "application/pdf",
        }
    }

    /// The file name extension matching the content.
    pub fn extension(self) -> &'static str {
        match self {
            EvidenceKind::Png => "png",
            EvidenceKind::Jpeg => "jpg",
            EvidenceKind::Webp => "webp",
            EvidenceKind::Pdf => "pdf",
        }
    }

    pub fn from_content_type(s: &str) -> Option<Self> {
        [Self::Png, Self::Jpeg, Self::Webp, Self::Pdf]
            .into_iter()
            .find(|k| k.content_type() == s)
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The kind of file `bytes` is, from its magic bytes; `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<EvidenceKind> {
    if bytes.starts_with(PNG_SIGNATURE) {
        Some(EvidenceKind::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(EvidenceKind::Jpeg)
    } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP".as_slice()) {
        Some(EvidenceKind::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(EvidenceKind::Pdf)
    } else {
        None
    }
}

/// Why a file that looked like an image could not be read as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the file starts like a {kind} image but is not a valid one: {why}")]
pub struct Malformed {
    pub kind: &'static str,
    pub why: &'static str,
}

/// A file ready to store: its kind, its bytes without metadata, and their SHA-256 (hex).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cleaned {
    pub kind: EvidenceKind,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Sniffs, strips and hashes an upload. `Ok(None)`: not a kind the platform accepts.
pub fn clean(bytes: &[u8]) -> Result<Option<Cleaned>, Malformed> {
    let Some(kind) = sniff(bytes) else {
        return Ok(None);
    };
    let bytes = match kind {
        EvidenceKind::Png => strip_png(bytes)?,
        EvidenceKind::Jpeg => strip_jpeg(bytes)?,
        EvidenceKind::Webp => strip_webp(bytes)?,
        EvidenceKind::Pdf => bytes.to_vec(),
    };
    let sha256 = sha256_hex(&bytes);
    Ok(Some(Cleaned {
        kind,
        bytes,
        sha256,
    }))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The four bytes at `at` as a big- or little-endian length.
fn u32_at(b: &[u8], at: usize, big_endian: bool) -> Option<usize> {
    let four: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    let n = if big_endian {
        u32::from_be_bytes(four)
    } else {
        u32::from_le_bytes(four)
    };
    usize::try_from(n).ok()
}

/// PNG text (`tEXt`, `zTXt`, `iTXt`), EXIF (`eXIf`) and modification time (`tIME`) chunks.
const PNG_METADATA: [&[u8; 4]; 5] = [b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"];

/// Copies a PNG without its metadata chunks; it must end with `IEND`.
pub fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    let bad = |why| Malformed { kind: "PNG", why };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut at = PNG_SIGNATURE.len();
    loop {
        let len = u32_at(bytes, at, true).ok_or_else(|| bad("it ends before its IEND chunk"))?;
        let kind = bytes
            .get(at + 4..at + 8)
            .ok_or_else(|| bad("it ends before its IEND chunk"))?;
        // Length, type, data, CRC.
        let end = len
            .checked_add(at + 12)
            .ok_or_else(|| bad("a chunk runs past the end of the file"))?;
        let chunk = bytes
            .get(at..end)
            .ok_or_else(|| bad("a chunk runs past the end of the file"))?;
        if !PNG_METADATA.iter().any(|m| m.as_slice() == kind) {
            out.extend_from_slice(chunk);
        }
        at = end;
        if kind == b"IEND" {
            return Ok(out);
        }
    }
}

/// Copies a JPEG without its APP1–APP15 segments (EXIF, XMP, ICC, maker notes…), any APP0
/// that is not JFIF, and comments (COM). Everything from the start of scan on is copied as
/// it is (entropy-coded data, then the remaining markers).
pub fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    let bad = |why| Malformed { kind: "JPEG", why };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut at = 2;
    loop {
        let (Some(&0xFF), Some(&code)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(bad(
                "it ends before its image data, or a segment has no marker",
            ));
        };
        match code {
            // Fill bytes before a marker.
            0xFF => {
                at += 1;
                continue;
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, code]);
                at += 2;
                continue;
            }
            0xD9 => {
                out.extend_from_slice(&[0xFF, code]);
                return Ok(out);
            }
            _ => {}
        }
        let len = match (bytes.get(at + 2), bytes.get(at + 3)) {
            (Some(&hi), Some(&lo)) => usize::from(u16::from_be_bytes([hi, lo])),
            _ => return Err(bad("a segment's length is cut off")),
        };
        if len < 2 {
            return Err(bad("a segment's length is too short"));
        }
        let end = at + 2 + len;
        let segment = bytes
            .get(at..end)
            .ok_or_else(|| bad("a segment runs past the end of the file"))?;
        if code == 0xDA {
            // Start of scan: the rest is image data (and the markers inside or after it).
            out.extend_from_slice(bytes.get(at..).unwrap_or_default());
            return Ok(out);
        }
        let payload = segment.get(4..).unwrap_or_default();
        let metadata = match code {
            0xE0 => !payload.starts_with(b"JFIF\0"),
            0xE1..=0xEF | 0xFE => true,
            _ => false,
        };
        if !metadata {
            out.extend_from_slice(segment);
        }
        at = end;
    }
}

/// Copies a WebP without its `EXIF` and `XMP ` chunks, clearing their flags in `VP8X`.
pub fn strip_webp(bytes: &[u8]) -> Result<Vec<u8>, Malformed> {
    let bad = |why| Malformed { kind: "WebP", why };
    let end = u32_at(bytes, 4, false)
        .and_then(|riff_len| riff_len.checked_add(8))
        .filter(|end| *end <= bytes.len())
        .ok_or_else(|| bad("its RIFF size runs past the end of the file"))?;
    let mut body = Vec::with_capacity(end);
    body.extend_from_slice(b"WEBP");
    let mut at = 12;
    while at < end {
        let len = u32_at(bytes, at + 4, false)
            .filter(|_| at + 8 <= end)
            .ok_or_else(|| bad("a chunk header is cut off"))?;
        // Chunks are padded to an even length.
        let chunk_end = len
            .checked_add(at + 8 + (len & 1))
            .filter(|e| *e <= end)
            .ok_or_else(|| bad("a chunk runs past the end of the file"))?;
        let chunk = bytes
            .get(at..chunk_end)
            .ok_or_else(|| bad("a chunk runs past the end of the file"))?;
        let kind = chunk.get(0..4).unwrap_or_default();
        if kind != b"EXIF" && kind != b"XMP " {
            let start = body.len();
            body.extend_from_slice(chunk);
            if kind == b"VP8X"
                && let Some(flags) = body.get_mut(start + 8)
            {
                // Bit 3: EXIF present; bit 2: XMP present.
                *flags &= !0b0000_1100;
            }
        }
        at = chunk_end;
    }
    let size = u32::try_from(body.len()).map_err(|_| bad("it is too large"))?;
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// A name to offer the file under: the uploader's name reduced to letters, digits, `-`,
/// `_` and `.`, at most 64 characters, with the extension of what the file really is.
pub fn file_name(declared: Option<&str>, kind: EvidenceKind, id_hint: &str) -> String {
    let stem: String = declared
        .unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .split('.')
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(56)
        .collect();
    let stem = if stem.is_empty() {
        format!("evidence-{id_hint}")
    } else {
        stem
    };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[0, 0, 0, 0]);
        c
    }

    fn png(chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut p = PNG_SIGNATURE.to_vec();
        for c in chunks {
            p.extend_from_slice(c);
        }
        p
    }

    #[test]
    fn png_text_exif_and_time_chunks_are_removed_and_the_rest_kept_in_order() {
        let ihdr = png_chunk(b"IHDR", &[0; 13]);
        let idat = png_chunk(b"IDAT", b"pixels");
        let iend = png_chunk(b"IEND", b"");
        let dirty = png(&[
            ihdr.clone(),
            png_chunk(b"tEXt", b"Author\0Alice Smith"),
            png_chunk(b"eXIf", b"GPS 52.1N"),
            idat.clone(),
            png_chunk(b"tIME", &[7; 7]),
            png_chunk(b"zTXt", b"x"),
            png_chunk(b"iTXt", b"y"),
            iend.clone(),
        ]);
        let cleaned = clean(&dirty).unwrap().unwrap();
        assert_eq!(cleaned.kind, EvidenceKind::Png);
        assert_eq!(cleaned.bytes, png(&[ihdr, idat, iend]));
        assert!(!cleaned.bytes.windows(5).any(|w| w == b"Alice"));
        assert_eq!(cleaned.sha256, sha256_hex(&cleaned.bytes));
        assert_eq!(cleaned.sha256.len(), 64);
    }

    #[test]
    fn a_truncated_png_is_refused() {
        let mut p = png(&[png_chunk(b"IHDR", &[0; 13]), png_chunk(b"IDAT", b"abc")]);
        assert!(strip_png(&p).is_err(), "no IEND");
        p.truncate(p.len() - 3);
        assert!(strip_png(&p).is_err(), "chunk cut off");
    }

    fn jpeg_segment(code: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, code];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    #[test]
    fn jpeg_app_segments_other_than_jfif_and_comments_are_removed() {
        let jfif = jpeg_segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let dqt = jpeg_segment(0xDB, &[0; 65]);
        let sos = jpeg_segment(0xDA, &[1, 1, 0, 0, 63, 0]);
        let mut dirty = vec![0xFF, 0xD8];
        dirty.extend(jfif.clone());
        dirty.extend(jpeg_segment(0xE1, b"Exif\0\0GPS camera serial 1234"));
        dirty.extend(jpeg_segment(0xE0, b"JFXX\0thumbnail"));
        dirty.extend(jpeg_segment(0xED, b"Photoshop 3.0\0"));
        dirty.extend(jpeg_segment(0xFE, b"taken at home"));
        dirty.extend(dqt.clone());
        dirty.extend(sos.clone());
        // Image data with a stuffed 0xFF00 and a restart marker, then the end.
        let scan = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9];
        dirty.extend_from_slice(&scan);
        let cleaned = clean(&dirty).unwrap().unwrap();
        assert_eq!(cleaned.kind, EvidenceKind::Jpeg);
        let mut want = vec![0xFF, 0xD8];
        want.extend(jfif);
        want.extend(dqt);
        want.extend(sos);
        want.extend_from_slice(&scan);
        assert_eq!(cleaned.bytes, want);
    }

    #[test]
    fn a_jpeg_cut_before_its_scan_is_refused() {
        let mut j = vec![0xFF, 0xD8];
        j.extend(jpeg_segment(0xE1, b"Exif\0\0abcdef"));
        j.truncate(j.len() - 2);
        assert!(strip_jpeg(&j).is_err());
        assert!(strip_jpeg(&[0xFF, 0xD8, 0xFF]).is_err());
    }

    fn webp_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = kind.to_vec();
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(data);
        if data.len() % 2 == 1 {
            c.push(0);
        }
        c
    }

    fn webp(chunks: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = chunks.concat();
        let mut w = b"RIFF".to_vec();
        w.extend_from_slice(&((body.len() + 4) as u32).to_le_bytes());
        w.extend_from_slice(b"WEBP");
        w.extend(body);
        w
    }

    #[test]
    fn webp_exif_and_xmp_chunks_are_removed_and_their_flags_cleared() {
        let mut vp8x = vec![0b0000_1100, 0, 0, 0, 1, 0, 0, 1, 0, 0];
        let image = webp_chunk(b"VP8 ", b"frame");
        let dirty = webp(&[
            webp_chunk(b"VP8X", &vp8x),
            image.clone(),
            webp_chunk(b"EXIF", b"GPS"),
            webp_chunk(b"XMP ", b"<x:xmpmeta/>"),
        ]);
        let cleaned = clean(&dirty).unwrap().unwrap();
        assert_eq!(cleaned.kind, EvidenceKind::Webp);
        vp8x[0] = 0;
        assert_eq!(cleaned.bytes, webp(&[webp_chunk(b"VP8X", &vp8x), image]));
    }

    #[test]
    fn only_images_and_pdf_are_recognised_whatever_their_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(EvidenceKind::Pdf));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<svg xmlns=...>"), None);
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"PK\x03\x04"), None);
        assert_eq!(sniff(b""), None);
        assert_eq!(clean(b"MZ\x90\0").unwrap(), None);
        let pdf = clean(b"%PDF-1.4 body").unwrap().unwrap();
        assert_eq!(pdf.bytes, b"%PDF-1.4 body", "a PDF is stored as sent");
    }

    #[test]
    fn a_file_name_keeps_safe_characters_and_takes_the_real_extension() {
        let k = EvidenceKind::Png;
        assert_eq!(
            file_name(Some("../../etc/bank receipt.exe"), k, "3"),
            "bankreceipt.png"
        );
        assert_eq!(file_name(Some("C:\\x\\proof_1.jpg"), k, "3"), "proof_1.png");
        assert_eq!(file_name(Some("\"; x=.png"), k, "3"), "x.png");
        assert_eq!(file_name(Some(".png"), k, "3"), "evidence-3.png");
        assert_eq!(file_name(None, EvidenceKind::Pdf, "9"), "evidence-9.pdf");
    }
}
