"""The textbook PyTorch loop, with the same math as mnistbn: the comparison point for benchmarks/bench.py.

torchvision's MNIST dataset with ToTensor and Normalize transforms, a shuffling DataLoader at batch 64, the same
model (its input normalisation done by the transforms instead), the same Adam and clipped loss, and `.item()` on
every step, as in pytorch/examples' mnist/main.py.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader
from torchvision import datasets, transforms
from mnistbn.data import data_root, check_mnist
from mnistbn.loss import keras_loss

def textbook_loader(train:bool, mean:float, std:float, bs:int=64, device='cpu', root=None) -> DataLoader:
    "MNIST through torchvision's dataset, ToTensor and Normalize, as the examples load it."
    check_mnist(root, download=False)
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((mean / 255,), (std / 255,))])
    ds = datasets.MNIST(str(data_root(root)), train=train, download=False, transform=tf)
    extra = dict(num_workers=1, pin_memory=True) if torch.device(device).type == 'cuda' else {}
    return DataLoader(ds, batch_size=bs, shuffle=train, **extra)

def textbook_model(model:nn.Sequential) -> nn.Sequential:
    "The same network without its first layer: the transforms already normalised the input."
    model[0] = nn.Identity()
    return model

def textbook_train(model, loader, device, steps:int=None, lr:float=1e-3) -> float:
    "Train `steps` batches (None: one epoch) the textbook way; returns the last loss."
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)
    model.train()
    for i, (x, y) in enumerate(loader):
        x, y = x.to(device), y.to(device)
        opt.zero_grad()
        loss = keras_loss(model(x), y).mean()
        loss.backward()
        opt.step()
        last = loss.item()
        if steps is not None and i + 1 == steps: break
    return last

@torch.no_grad()
def textbook_evaluate(model, loader, device) -> float:
    model.eval()
    correct = n = 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        correct += (model(x).argmax(1) == y).sum().item(); n += len(y)
    return correct / n
