package dev.runnel.kit.page;

import dev.runnel.kit.error.Refusal;

/** Which page of a list a client asks for: {@code page} from 0, {@code pageSize} up to 1000. */
public record PageRequest(int page, int pageSize) {

    public static final int MAX_PAGE_SIZE = 1000;

    public static PageRequest of(Integer page, Integer pageSize) {
        int p = page == null ? 0 : page;
        int size = pageSize == null ? 100 : pageSize;
        if (p < 0) {
            throw Refusal.invalid("page", "must be 0 or more");
        }
        if (size < 1 || size > MAX_PAGE_SIZE) {
            throw Refusal.invalid("pageSize", "must be between 1 and " + MAX_PAGE_SIZE);
        }
        return new PageRequest(p, size);
    }

    public long offset() {
        return (long) page * pageSize;
    }
}
