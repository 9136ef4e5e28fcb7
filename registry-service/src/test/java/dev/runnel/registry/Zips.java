package dev.runnel.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds zips for tests, including broken and hostile ones. */
public final class Zips {

    private Zips() {
    }

    public static byte[] of(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A codebase with a main.py defining ServiceRunner, plus any extra files. */
    public static byte[] codebase(String... extraNamesAndContents) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("main.py", ("import runnel\n\nclass ServiceRunner(runnel.BaseServiceRunner):\n"
                + "    def run(self, item):\n        return item\n").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i + 1 < extraNamesAndContents.length; i += 2) {
            files.put(extraNamesAndContents[i], extraNamesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return of(files);
    }

    /** Edits the central directory header of entry {@code index} in place (little-endian buffer at its start). */
    public static byte[] patchCentral(byte[] zip, int index, Consumer<ByteBuffer> edit) {
        byte[] copy = zip.clone();
        ByteBuffer buffer = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        int seen = 0;
        for (int i = 0; i + 4 <= copy.length; i++) {
            if (buffer.getInt(i) == 0x02014b50) {
                if (seen++ == index) {
                    edit.accept(buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(i).slice()
                            .order(ByteOrder.LITTLE_ENDIAN));
                    return copy;
                }
            }
        }
        throw new IllegalArgumentException("no central entry " + index);
    }

    /** Marks entry {@code index} as a Unix symbolic link. */
    public static byte[] asSymlink(byte[] zip, int index) {
        return patchCentral(zip, index, header -> {
            header.putShort(4, (short) ((3 << 8) | 20));
            header.putInt(38, 0120777 << 16);
        });
    }

    /** Gives entry {@code index} Unix permissions without a file type, as Python's zipfile.writestr does. */
    public static byte[] permissionsWithoutType(byte[] zip, int index) {
        return patchCentral(zip, index, header -> {
            header.putShort(4, (short) ((3 << 8) | 20));
            header.putInt(38, 0600 << 16);
        });
    }

    /** Makes entry {@code index} declare an uncompressed size it does not have. */
    public static byte[] lyingSize(byte[] zip, int index, int declared) {
        return patchCentral(zip, index, header -> header.putInt(24, declared));
    }
}
