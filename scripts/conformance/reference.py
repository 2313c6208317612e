"""Python's own readers as one conformance oracle: prints one JSON listing of a tar or zip.

Usage: reference.py tar|zip ARCHIVE BYTE_CAP
Names are raw bytes in hex, so the caller decodes them the way snapinspect does. Member bytes are
given as a sha256, read only when the member is at most BYTE_CAP bytes.
"""
import hashlib
import json
import os
import stat
import sys
import tarfile
import zipfile

TAR_KINDS = {
    tarfile.REGTYPE: "file", tarfile.AREGTYPE: "file", tarfile.CONTTYPE: "file",
    tarfile.GNUTYPE_SPARSE: "file", tarfile.LNKTYPE: "hardlink", tarfile.SYMTYPE: "symlink",
    tarfile.DIRTYPE: "dir", tarfile.CHRTYPE: "chardev", tarfile.BLKTYPE: "blockdev",
    tarfile.FIFOTYPE: "fifo",
}


def digest(read):
    try:
        return hashlib.sha256(read()).hexdigest()
    except Exception as error:  # a damaged member is a finding, not the end of the listing
        return "error: " + type(error).__name__


def tar_listing(path, cap, entries):
    with tarfile.open(path) as archive:
        for member in archive:
            entry = {
                "name": os.fsencode(member.name).hex(),
                "kind": TAR_KINDS.get(member.type, "other " + member.type.decode("latin-1")),
                "size": member.size, "mode": member.mode & 0o7777,
                "uid": member.uid, "gid": member.gid,
                "uname": member.uname, "gname": member.gname,
                "link": os.fsencode(member.linkname).hex(),
                "device": [member.devmajor, member.devminor] if member.ischr() or member.isblk() else None,
            }
            if member.isreg() and member.size <= cap:
                entry["sha256"] = digest(lambda: archive.extractfile(member).read())
            entries.append(entry)


def raw_zip_name(info):
    return info.orig_filename.encode("utf-8" if info.flag_bits & 0x800 else "cp437")


def zip_listing(path, cap, entries):
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            mode = info.external_attr >> 16 if info.create_system == 3 else 0
            kind = "dir" if info.is_dir() else "symlink" if stat.S_ISLNK(mode) else "file"
            entry = {"name": raw_zip_name(info).hex(), "kind": kind, "size": info.file_size,
                     "mode": mode & 0o7777 if mode else None}
            if kind == "symlink":
                entry["link"] = archive.read(info).hex()
            elif kind != "dir" and info.file_size <= cap:
                entry["sha256"] = digest(lambda: archive.read(info))
            entries.append(entry)


def main():
    kind, path, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
    entries = []
    try:
        (tar_listing if kind == "tar" else zip_listing)(path, cap, entries)
        print(json.dumps({"ok": True, "entries": entries}))
    except Exception as error:  # what was listed before the failure still counts
        message = (type(error).__name__ + ": " + str(error))[:200]
        print(json.dumps({"ok": False, "error": message, "entries": entries}))


main()
