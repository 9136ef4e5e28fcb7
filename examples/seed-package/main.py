"""The seed's package: the default module's run(item), and detect(item, progress) reporting progress."""
import runnel as dl


class ServiceRunner(dl.BaseServiceRunner):

    def run(self, item: dl.Item):
        print("running on item", item.id)
        return {"item_id": item.id}

    def detect(self, item: dl.Item, progress: dl.Progress):
        progress.update(status='inProgress', progress=0,
                        message='execution started')
        ###############
        ### DO WORK ###
        ###############
        progress.update(status='inProgress', progress=30)
        ####################
        ### DO MORE WORK ###
        ####################
        progress.update(status='inProgress', progress=80)
        ####################
        ### DO MORE WORK ###
        ####################
        progress.update(status='inProgress', progress=100,
                        message='execution completed')
        return {"item_id": item.id, "detected": ["dog"]}
