package dev.runnel.kit.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.InputDecorator;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * Refuses a JSON request body that holds a NUL (a {@code \u0000} escape, or the raw byte) as it is
 * read, before anything is parsed into a value: PostgreSQL could not store it, so it is answered 400
 * here rather than half-written later. An escaped backslash followed by {@code u0000} is six ordinary
 * characters, and passes.
 */
public final class NulGuard extends InputDecorator {

    @Override
    public InputStream decorate(IOContext context, InputStream in) {
        return new Guarded(in);
    }

    @Override
    public InputStream decorate(IOContext context, byte[] src, int offset, int length) {
        return new Guarded(new java.io.ByteArrayInputStream(src, offset, length));
    }

    @Override
    public Reader decorate(IOContext context, Reader reader) {
        return reader; // request bodies are read as bytes
    }

    /** Scans what passes: after a backslash, whether {@code u0000} follows. */
    private static final class Guarded extends FilterInputStream {

        /** 0: text; 1: after a backslash; 2..5: after "\\u", that many hex digits in, all zeros so far. */
        private int state;

        Guarded(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                scan((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            for (int i = 0; i < n; i++) {
                scan(buffer[offset + i]);
            }
            return n;
        }

        private void scan(byte b) throws JsonParseException {
            if (b == 0) {
                throw refused();
            }
            switch (state) {
                case 0 -> state = b == '\\' ? 1 : 0;
                case 1 -> state = b == 'u' ? 2 : 0;
                default -> {
                    if (b != '0') {
                        state = 0;
                    } else if (++state == 6) {
                        throw refused();
                    }
                }
            }
        }

        private static JsonParseException refused() {
            return new JsonParseException(null, "a NUL character (\\u0000) cannot be stored; send it escaped"
                    + " (\\\\u0000) or leave it out");
        }
    }
}
