package dev.runnel.kit.page;

import java.util.List;

/** One page of a list, in the shape Dataloop clients read. */
public record Page<T>(List<T> items, long totalItemsCount, long totalPagesCount, boolean hasNextPage) {

    public static <T> Page<T> of(List<T> items, long total, PageRequest request) {
        long pages = total == 0 ? 0 : (total + request.pageSize() - 1) / request.pageSize();
        return new Page<>(items, total, pages, request.page() + 1L < pages);
    }
}
