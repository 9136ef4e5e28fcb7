"""A first Runnel package: one function that greets."""
import runnel


class ServiceRunner(runnel.BaseServiceRunner):

    def greet(self, name: str):
        return {"greeting": "Hello, " + name + "!"}
