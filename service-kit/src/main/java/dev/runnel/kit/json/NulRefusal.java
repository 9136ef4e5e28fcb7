package dev.runnel.kit.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/** Every service's request bodies pass {@link NulGuard}: a NUL in one is refused with 400 problem+json. */
@Singleton
public class NulRefusal implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.getFactory().setInputDecorator(new NulGuard());
    }
}
