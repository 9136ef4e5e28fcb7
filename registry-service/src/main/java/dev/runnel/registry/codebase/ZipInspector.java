package dev.runnel.registry.codebase;

import dev.runnel.kit.error.Refusal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Decides whether an uploaded file is a safe codebase zip. It reads the central directory itself
 * (for names, declared sizes and Unix modes, which {@link ZipFile} hides), then inflates every entry
 * with a running cap, so a zip bomb is stopped whatever sizes it declares, and a truncated or corrupt
 * archive is refused by its CRCs.
 */
final class ZipInspector {

    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int CENTRAL_SIGNATURE = 0x02014b50;
    private static final int EOCD_MIN = 22;
    private static final int MAX_COMMENT = 0xFFFF;
    private static final int UNIX_HOST = 3;
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;

    private final CodebaseConfig limits;

    ZipInspector(CodebaseConfig limits) {
        this.limits = limits;
    }

    /** A zip's central directory entry, as far as the checks need it. */
    record Entry(String name, long crc, long declaredSize, boolean directory) {
    }

    /** Checks the zip and returns the names of its files (not folders), as stored. */
    List<String> inspect(Path zip, long size) {
        if (size > limits.maxCompressedSize()) {
            throw Refusal.tooLarge("codebase is " + size + " bytes; the limit is " + limits.maxCompressedSize());
        }
        List<Entry> entries = readCentralDirectory(zip, size);
        inflateAll(zip, entries);
        List<String> files = new ArrayList<>();
        for (Entry entry : entries) {
            if (!entry.directory()) {
                files.add(entry.name());
            }
        }
        return files;
    }

    private List<Entry> readCentralDirectory(Path zip, long size) {
        try (FileChannel channel = FileChannel.open(zip, StandardOpenOption.READ)) {
            if (size < EOCD_MIN) {
                throw notZip("it is too short to be a zip archive");
            }
            int tailLength = (int) Math.min(size, EOCD_MIN + MAX_COMMENT);
            ByteBuffer tail = read(channel, size - tailLength, tailLength);
            int eocd = -1;
            for (int i = tailLength - EOCD_MIN; i >= 0; i--) {
                if (tail.getInt(i) == EOCD_SIGNATURE) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) {
                throw notZip("no zip end-of-central-directory record (not a zip, or truncated)");
            }
            int count = Short.toUnsignedInt(tail.getShort(eocd + 10));
            long cdSize = Integer.toUnsignedLong(tail.getInt(eocd + 12));
            long cdOffset = Integer.toUnsignedLong(tail.getInt(eocd + 16));
            if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
                throw notZip("ZIP64 archives are not supported");
            }
            if (count > limits.maxEntries()) {
                throw Refusal.invalid("codebase", "the zip has " + count + " entries; the limit is "
                        + limits.maxEntries());
            }
            long eocdPosition = size - tailLength + eocd;
            if (cdOffset + cdSize > eocdPosition) {
                throw notZip("the central directory lies outside the file (truncated zip)");
            }
            return parseEntries(read(channel, cdOffset, (int) cdSize), count);
        } catch (IOException e) {
            throw notZip("unreadable: " + e.getMessage());
        }
    }

    private List<Entry> parseEntries(ByteBuffer cd, int count) {
        List<Entry> entries = new ArrayList<>(count);
        Set<String> names = new HashSet<>();
        long declaredTotal = 0;
        int pos = 0;
        for (int i = 0; i < count; i++) {
            if (pos + 46 > cd.limit() || cd.getInt(pos) != CENTRAL_SIGNATURE) {
                throw notZip("corrupt central directory at entry " + i);
            }
            int madeBy = Short.toUnsignedInt(cd.getShort(pos + 4)) >>> 8;
            int flags = Short.toUnsignedInt(cd.getShort(pos + 8));
            long crc = Integer.toUnsignedLong(cd.getInt(pos + 16));
            long uncompressed = Integer.toUnsignedLong(cd.getInt(pos + 24));
            int nameLength = Short.toUnsignedInt(cd.getShort(pos + 28));
            int extraLength = Short.toUnsignedInt(cd.getShort(pos + 30));
            int commentLength = Short.toUnsignedInt(cd.getShort(pos + 32));
            long external = Integer.toUnsignedLong(cd.getInt(pos + 38));
            if (pos + 46 + nameLength > cd.limit()) {
                throw notZip("corrupt central directory at entry " + i);
            }
            byte[] nameBytes = new byte[nameLength];
            cd.get(pos + 46, nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            pos += 46 + nameLength + extraLength + commentLength;

            checkName(name);
            if ((flags & 1) != 0) {
                throw Refusal.invalid("codebase", "entry '" + name + "' is encrypted");
            }
            int mode = (int) (external >>> 16);
            boolean directory = name.endsWith("/");
            if (madeBy == UNIX_HOST && mode != 0) {
                int type = mode & S_IFMT;
                // type 0: tools such as Python's zipfile.writestr record permissions without a file type
                if (type != 0 && type != S_IFREG && type != S_IFDIR) {
                    throw Refusal.invalid("codebase", "entry '" + name + "' is a link or special file; only"
                            + " plain files and folders are allowed");
                }
            }
            if (!names.add(name)) {
                throw Refusal.invalid("codebase", "entry '" + name + "' appears twice");
            }
            declaredTotal += uncompressed;
            if (declaredTotal > limits.maxUncompressedSize()) {
                throw bomb();
            }
            entries.add(new Entry(name, crc, uncompressed, directory));
        }
        return entries;
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw Refusal.invalid("codebase", "an entry has an empty or binary name");
        }
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
            throw Refusal.invalid("codebase", "entry '" + name + "' has an absolute path");
        }
        for (String segment : name.split("[/\\\\]")) {
            if (segment.equals("..")) {
                throw Refusal.invalid("codebase", "entry '" + name + "' leaves the codebase folder ('..')");
            }
        }
    }

    private void inflateAll(Path zip, List<Entry> entries) {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Entry entry : entries) {
                ZipEntry zipEntry = file.getEntry(entry.name());
                if (zipEntry == null) {
                    throw notZip("entry '" + entry.name() + "' cannot be read");
                }
                CRC32 crc = new CRC32();
                long entrySize = 0;
                try (InputStream in = file.getInputStream(zipEntry)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        total += n;
                        entrySize += n;
                        if (total > limits.maxUncompressedSize()) {
                            throw bomb();
                        }
                        crc.update(buffer, 0, n);
                    }
                }
                if (crc.getValue() != entry.crc() || entrySize != entry.declaredSize()) {
                    throw notZip("entry '" + entry.name() + "' is corrupt (its checksum or size does not match)");
                }
            }
        } catch (ZipException e) {
            throw notZip("corrupt or truncated zip: " + e.getMessage());
        } catch (IOException e) {
            throw notZip("corrupt or truncated zip: " + e.getMessage());
        }
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return buffer.flip();
    }

    private static Refusal notZip(String why) {
        return Refusal.invalid("codebase", "not a valid zip archive: " + why);
    }

    private Refusal bomb() {
        return Refusal.invalid("codebase", "the zip unpacks to more than " + limits.maxUncompressedSize()
                + " bytes (zip bomb?)");
    }
}
